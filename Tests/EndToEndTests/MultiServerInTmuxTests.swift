import Foundation
import Testing

/// Several servers in one dashboard and one `tail`, with real simulator processes and a real terminal.
@Suite(.serialized)
struct MultiServerInTmuxTests {
    /// The status bar: the last line that is not blank.
    static func statusBar(_ screen: String) -> String {
        screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
    }

    /// Rows of the Drifts pane (the left column of the top half at 120x40) naming a server.
    static func driftRows(_ screen: String) -> [String] {
        screen.split(separator: "\n").map(String.init).filter { $0.hasPrefix("│ prod ") || $0.hasPrefix("│ staging ") }
    }

    @Test func oneServerDownTheOtherKeepsFlowingAndTheFilterNarrows() throws {
        let prod = try DemoServerProcess(rate: 20)
        defer { prod.stop() }
        let staging = try DemoServerProcess(dialect: "documented", rate: 20)
        var stagingStopped = false
        defer { if !stagingStopped { staging.stop() } }
        let tmux = try Tmux(width: 120, height: 40, command: "bash --norc --noprofile")
        defer { tmux.kill() }
        try tmux.type("stty -g > \(tmux.modesFile("before")); clear")
        try tmux.type("\(try productPath()) --no-config --url prod=\(prod.url) --url staging=\(staging.url); echo EXIT=$?")

        let both = try tmux.waitFor("both servers open and sending") { screen in
            let bar = Self.statusBar(screen)
            let rows = Self.driftRows(screen)
            return bar.contains("prod ●") && bar.contains("staging ●") && rows.contains { $0.hasPrefix("│ prod ") }
                && rows.contains { $0.hasPrefix("│ staging ") } && screen.contains("SRV")
        }
        #expect(paneCount("Drifts", in: both) ?? 0 >= 2)

        staging.stop()
        stagingStopped = true
        let down = try tmux.waitFor("staging reconnecting, prod still open") { screen in
            let bar = Self.statusBar(screen)
            return bar.contains("prod ●") && bar.contains("staging ↻")
        }
        let driftsWhenDown = paneCount("Drifts", in: down) ?? 0
        try tmux.waitFor("prod's drifts still arriving") { screen in
            (paneCount("Drifts", in: screen) ?? 0) >= driftsWhenDown + 5 && Self.statusBar(screen).contains("staging ↻")
        }

        try tmux.send("/")
        try tmux.type("server:prod")
        let filtered = try tmux.waitFor("only prod's rows") { screen in
            let rows = Self.driftRows(screen)
            return screen.contains("/server:prod") && rows.count >= 3 && rows.allSatisfy { $0.hasPrefix("│ prod ") }
        }
        #expect(!Self.driftRows(filtered).contains { $0.hasPrefix("│ staging ") })

        try tmux.send("c")
        // Waited for whole: a capture can catch the terminal halfway through drawing the view.
        let view = try tmux.waitFor("the connections view with staging's last close") {
            $0.contains("Connections 1/2 open") && $0.contains("last close:")
        }
        #expect(view.contains("→ prod"), "the first server is selected when the view opens")
        try tmux.send("Escape")
        try tmux.send("q")
        try tmux.waitFor("the program to exit with status 0") { $0.contains("EXIT=0") }
        try tmux.expectTerminalRestored()
    }

    @Test func tailNamesTheServerOfEveryLine() throws {
        let prod = try DemoServerProcess(rate: 40)
        defer { prod.stop() }
        let staging = try DemoServerProcess(dialect: "documented", rate: 40)
        defer { staging.stop() }
        let result = try run(try productPath(), [
            "tail", "--no-config", "--url", "prod=\(prod.url)", "--url", "staging=\(staging.url)", "--url", "down=ws://127.0.0.1:9/ws",
            "--count", "60", "--duration", "60",
        ])
        #expect(result.status == 0, "stderr: \(result.err)")
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        // Every line names its server, but the last: the run's summary, over every server.
        #expect(lines.last?.hasPrefix(#"{"kind":"summary","events":60,"#) == true, "\(lines.last ?? "")")
        for line in lines.dropLast() {
            #expect(line.hasPrefix(#"{"kind":"#) && (line.contains(#""server":"prod""#) || line.contains(#""server":"staging""#) || line.contains(#""server":"down""#)),
                    "a line without its server: \(line)")
        }
        let events = lines.filter { $0.hasPrefix(#"{"kind":"event""#) }
        #expect(events.count == 60)
        #expect(events.contains { $0.contains(#""server":"prod""#) })
        #expect(events.contains { $0.contains(#""server":"staging""#) })
        #expect(lines.contains { $0.contains(#""kind":"connection","server":"down""#) && $0.contains(#""phase":"reconnecting""#) })
    }
}
