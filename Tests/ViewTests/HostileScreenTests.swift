import Foundation
import Testing
@testable import TFDriftCore
@testable import TFDriftView
import TFDriftWire

/// The screen rows of the hostile-server findings: text terminals measure differently from us, and numbers
/// that used to trap while formatting.
struct HostileScreenTests {
    /// Characters that overran their column or shifted borders in tmux: wide per glibc (U+1F260…), ZWJ clusters,
    /// variation selectors, regional indicators, skin tones, stacked marks, an unassigned code point, bidi.
    static let hostileText = "\u{1F260}\u{1F261}\u{1F265}a\u{200D}b\u{1F468}\u{200D}\u{1F469}\u{1F1EF}\u{1F1F5}\u{2764}\u{FE0F}"
        + "\u{1F44D}\u{1F3FD}x\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{E0100}\u{0378}\u{202E}\u{1B}[2J"

    static func hostileState() -> State {
        var state = DashboardSnapshotTests.knownState()
        let t = state.now
        let drift = DriftRecord(
            receivedAt: t, severity: .critical, resourceType: hostileText, resourceName: hostileText, resourceID: "x",
            attribute: hostileText, oldValue: hostileText, newValue: hostileText, user: hostileText)
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.drift(drift)], at: t))
        _ = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("server closed (1011: \(hostileText))", httpStatus: 429, retryAfter: 1e20), at: t, jitter: 0.5))
        return state
    }

    /// Every row measures exactly the screen's width, cell by cell, as the terminal will measure it, and the
    /// pane borders stand where the layout put them.
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func hostileTextNeverLeavesItsRectangle(size: Size) throws {
        let canvas = Self.hostileState().render(size: size)
        for y in 0..<size.height {
            var cells = 0
            for x in 0..<size.width {
                let cell = canvas[x, y]
                if cell.isContinuation { continue }
                #expect(TerminalSafety.isClean(cell.text), "unsafe cell at \(x),\(y)")
                let measured = TextWidth.measured(Character(cell.text))
                #expect(measured != nil, "a disputed character reached cell \(x),\(y): \(cell.text.unicodeScalars.map { String($0.value, radix: 16) })")
                cells += measured ?? 1
            }
            #expect(cells == size.width, "row \(y) is \(cells) cells wide")
        }
        let layout = try #require(Layout.compute(size))
        for rect in layout.panes.values {
            for y in rect.y + 1..<rect.maxY - 1 {
                #expect(canvas[rect.x, y].text == "│" && canvas[rect.maxX - 1, y].text == "│", "border broken at row \(y)")
            }
        }
    }

    @Test func disputedCharactersAreReplacedAndMeasuredLikeGlibc() {
        #expect(TextWidth.measured("\u{1F260}") == 2, "glibc says two cells; the old table said one")
        #expect(TextWidth.measured("a\u{200D}") == nil)
        #expect(TextWidth.measured("\u{1F1EF}") == nil)
        #expect(TextWidth.measured("\u{1F44D}\u{1F3FD}") == nil)
        #expect(TextWidth.measured("\u{0378}") == nil, "unassigned")
        #expect(TextWidth.measured("e\u{301}") == 1)
        #expect(TextWidth.measured("東") == 2)
        var canvas = Canvas(size: Size(width: 10, height: 1))
        #expect(canvas.draw("a\u{200D}b", x: 0, y: 0, style: .plain) == 2)
        #expect(canvas.row(0).hasPrefix("\u{FFFD}b"))
    }

    @Test func hugeNumbersFormatWithoutTrapping() {
        #expect(Format.countdown(1e20) == "999999999s")
        #expect(Format.countdown(.nan) == "0s")
        #expect(Format.duration(.infinity) == Format.duration(1e300))
        #expect(Format.milliseconds(-.infinity) == "0")
        #expect(Format.compact(Int.max).hasSuffix("M"))
        #expect(Timestamp.format(1e300) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.clock(-1e300) == "00:00:00")
        // And the status bar of a client told to wait 10^20 seconds draws, capped and saying so.
        let canvas = Self.hostileState().render(size: Size(width: 200, height: 60))
        #expect(canvas.row(59).contains("RECONNECTING in"))
    }
}

struct WordingTests {
    /// The store says why it stopped; the words (and the dashboard's key) are the view's.
    @Test func stopReasonsSayWhatToDo() {
        #expect(Wording.stopReason(.unauthorized(credential: nil), retryKey: true)
            == "HTTP 401 on upgrade: the server wants credentials; put a token in a file and give --token-file (or TFDRIFT_TOKEN); press r to retry")
        #expect(Wording.stopReason(.unauthorized(credential: "Bearer token from token file /t"), retryKey: false)
            == "HTTP 401 on upgrade: the server refused the Bearer token from token file /t; check that token (or --auth-scheme)")
        #expect(!Wording.stopReason(.forbidden(credential: nil), retryKey: false).contains("press r"))
        #expect(Wording.stopReason(.forbidden(credential: nil), retryKey: false).contains("ALLOWED_ORIGINS"))
        #expect(Wording.stopReason(.gaveUp(retries: 3, lastError: "refused"), retryKey: false) == "gave up after 3 retries: refused")
    }
}

struct TLSMarkerTests {
    /// `--insecure` is said on screen for as long as it runs, in the alarm role.
    @Test func anUnverifiedLinkIsMarkedInTheStatusBar() {
        var state = DashboardSnapshotTests.knownState()
        state.servers[0].settings.tlsUnverified = true
        let canvas = state.render(size: Size(width: 100, height: 30))
        #expect(canvas.row(29).contains("TLS NOT VERIFIED"))
        #expect(Wording.stopReason(.certificate("give its CA with --ca-file"), retryKey: true) == "TLS: give its CA with --ca-file; press r to retry")
    }
}

/// Text that does not fit keeps what matters: an address its port and path, a path its file name.
struct ShortenedTextTests {
    @Test func addressesAndPathsKeepTheirEnd() {
        #expect(TextWidth.truncateMiddle("ws://127.0.0.1:42213/ws", to: 15) == "ws://12…2213/ws")
        #expect(TextWidth.width(of: TextWidth.truncateMiddle("exported 12 lines to tfdrift-drifts-20261206.ndjson", to: 30)) == 30)
        #expect(TextWidth.truncateMiddle("exported 12 lines to tfdrift-drifts-20261206.ndjson", to: 30).hasSuffix(".ndjson"))
        #expect(TextWidth.truncateMiddle("short", to: 30) == "short")
        #expect(StatusBarWidget.shortened("ws://tfdrift.example:8080/ws (real v0.9.0)", to: 24) == "ws://tfdrift…ple:8080/ws")
    }
}

/// A pane whose topic was switched off does not look like an idle one.
struct SwitchedOffPaneTests {
    @Test func anOffPaneSaysSoWithItsKey() {
        var state = DashboardSnapshotTests.knownState()
        let size = Size(width: 120, height: 40)
        _ = Reducer.reduce(&state, .resized(width: size.width, height: size.height, pageRows: Layout.pageRows(size)))
        #expect(!state.render(size: size).text.contains("off — press"))
        _ = Reducer.reduce(&state, .key(.character("3")))
        let text = state.render(size: size).text
        let events = text.split(separator: "\n").first { $0.contains("┌ Events") } ?? ""
        #expect(events.contains("off — press 3 to subscribe"), "\(text)")
        #expect(text.split(separator: "\n").filter { $0.contains("off — press") }.count == 1, "only the Events pane")
    }
}
