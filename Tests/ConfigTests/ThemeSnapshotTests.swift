import Foundation
import Testing
import TFDriftConfig
import TFDriftCore
import TFDriftView
import TFDriftWire

/// The dashboard in shipped themes, with its styles: each screen row is followed by a row of letters naming the
/// style of every cell, and a legend says what each letter is. `UPDATE_SNAPSHOTS=1` rewrites the files.
struct ThemeSnapshotTests {
    static func state() -> State {
        var state = State(settings: Settings(url: "ws://tfdrift.example:8080/ws", restEnabled: false), topics: [.drifts, .events, .state, .stats])
        let base = 1_795_748_400.0
        _ = Reducer.reduce(&state, .started(at: base))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: base))
        var items: [Incoming] = [.control(.welcome(dialect: .real, version: "0.14.0", clientID: "c")), .control(.subscribed("drift"))]
        let severities: [Severity] = [.critical, .high, .medium, .low, .warning, .info]
        for i in 0..<18 {
            var drift = DriftRecord(
                receivedAt: base + Double(i), severity: severities[i % 6], resourceType: ["aws_iam_role", "aws_s3_bucket", "aws_security_group"][i % 3],
                resourceName: "r\(i)", resourceID: "id-\(i)", attribute: "policy", oldValue: "old", newValue: "new", user: "alice")
            drift.history = i < 4
            items.append(.drift(drift))
            items.append(.event(EventRecord(receivedAt: base + Double(i), topic: .falco, severity: severities[(i + 2) % 6], title: "Terminal shell", resource: "container c\(i)")))
        }
        _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: base + 20))
        _ = Reducer.reduce(&state, .command(.moveSelection(2)))
        return state
    }

    static func dump(_ canvas: Canvas) -> String {
        var letters: [Style: Character] = [:]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var lines: [String] = []
        for y in 0..<canvas.size.height {
            lines.append(canvas.row(y))
            var codes = ""
            for x in 0..<canvas.size.width {
                let style = canvas[x, y].style
                if letters[style] == nil { letters[style] = alphabet[min(letters.count, alphabet.count - 1)] }
                codes.append(letters[style]!)
            }
            lines.append(codes)
        }
        lines.append("")
        for (style, letter) in letters.sorted(by: { $0.value < $1.value }) { lines.append("\(letter) = \(describe(style))") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ style: Style) -> String {
        func color(_ c: TermColor) -> String {
            switch c {
            case .default: "default"
            case .ansi(let n): "ansi(\(n))"
            case .indexed(let n): "\(n)"
            case .rgb(let r, let g, let b): "rgb(\(r),\(g),\(b))"
            }
        }
        let attributes = [("bold", style.bold), ("dim", style.dim), ("reverse", style.reverse), ("underline", style.underline)].filter(\.1).map(\.0)
        return "fg \(color(style.fg)) bg \(color(style.bg))" + (attributes.isEmpty ? "" : " " + attributes.joined(separator: " "))
    }

    @Test(arguments: ["default", "monochrome", "dark-256"], [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func theDashboardInAShippedTheme(theme name: String, size: Size) throws {
        let loaded = ThemeCatalog(environment: [:]).load(name)
        #expect(loaded.problems.isEmpty)
        let depth: ColorDepth = name == "dark-256" ? .indexed256 : .ansi16
        let canvas = Self.state().render(size: size, options: RenderOptions(theme: loaded.theme.degraded(to: depth)))
        let text = Self.dump(canvas)
        if name == "monochrome" { #expect(!text.contains("fg ansi") && !text.contains("bg ansi"), "no colour at all") }
        // Severity stays distinguishable: the critical and the low rows do not share a style.
        let critical = loaded.theme.style(.severity(.critical)), low = loaded.theme.style(.severity(.low))
        #expect(critical != low)
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/\(name)-\(size.width)x\(size.height).txt")
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "snapshot \(name) \(size) differs; rerun with UPDATE_SNAPSHOTS=1 and review the diff")
    }
}
