import Testing
@testable import TFDriftCore
import TFDriftWire

/// What a k9s / lazygit / less user reaches for first, and a key that says what it did (issue 23).
struct FamiliarKeysTests {
    static func control(_ letter: Character) -> Key { .character(Character(Unicode.Scalar(letter.asciiValue! & 0x1F))) }

    @Test func lessAndVimKeysMoveAsTheyDoThere() {
        let pane: [(Key, Command)] = [
            (Self.control("d"), .halfPage(1)), (Self.control("u"), .halfPage(-1)), (Self.control("f"), .page(1)), (Self.control("b"), .page(-1)),
            (.character("n"), .moveSelection(1)), (.character("N"), .moveSelection(-1)),
            (.character("l"), .focusNext), (.character("h"), .focusPrevious),
        ]
        for (key, command) in pane { #expect(Bindings.command(for: key, in: .pane) == command, "\(key)") }
        #expect(Bindings.command(for: Self.control("d"), in: .detail) == .detailPage(1))
        #expect(Bindings.command(for: Self.control("u"), in: .detail) == .detailPage(-1))
        // Typing a filter, Ctrl-d is not a command (and a letter is text).
        #expect(Bindings.command(for: .character("n"), in: .filter) == .insertText("n"))
    }

    @Test func halfAPageMovesHalfThePanesRows() {
        var state = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts])
        for i in 0..<50 { state.feed.drifts.append(DriftRecord(receivedAt: Double(i), severity: .high, resourceType: "t", resourceID: "r\(i)")) }
        _ = Reducer.reduce(&state, .resized(width: 120, height: 40, pageRows: [.drifts: 20]))
        _ = Reducer.reduce(&state, .key(Self.control("d")))
        #expect(state.ui.scroll[.drifts]?.selected == 49 - 10, "half of 20 rows older than the newest")
        _ = Reducer.reduce(&state, .key(Self.control("u")))
        #expect(state.ui.scroll[.drifts]?.follow == true, "back to the newest, following again")
    }

    @Test func rSaysWhatItDidOnAnOpenLinkAndOnADownOne() {
        var state = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 100))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 100))
        #expect(Reducer.reduce(&state, .key(.character("r"))).isEmpty, "an open link is left alone")
        #expect(state.ui.notice?.kind == .nothingToRetry(links: 1))
        _ = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("reset"), at: 101, jitter: 0.5))
        let effects = Reducer.reduce(&state, .key(.character("r")))
        #expect(effects.contains { if case .connect = $0 { true } else { false } })
        #expect(state.ui.notice?.kind == .retrying(links: 1))
    }

    @Test func commonAddressMistakesGetTheAddressToUse() {
        #expect(ServerURL.suggestion(for: "http://tfdrift:8080") == "ws://tfdrift:8080/ws")
        #expect(ServerURL.suggestion(for: "https://tfdrift.example.com/") == "wss://tfdrift.example.com/ws")
        #expect(ServerURL.suggestion(for: "localhost:8080") == "ws://localhost:8080/ws")
        #expect(ServerURL.suggestion(for: "http://h:8080/custom/ws") == "ws://h:8080/custom/ws")
        #expect(ServerURL.suggestion(for: "ftp://h") == nil && ServerURL.suggestion(for: "two words") == nil)
        #expect(throws: ServerURLError.self) { try ServerURL(parsing: "http://tfdrift:8080") }
        do {
            _ = try ServerURL(parsing: "localhost:8080")
        } catch {
            #expect(error.reason.hasSuffix("try ws://localhost:8080/ws"))
        }
        #expect(ServerURL(secure: false, host: "h", port: 8080, path: "/").withWebSocketPath.description == "ws://h:8080/ws")
    }
}

/// An action that cannot do what was asked says so where it was asked.
struct RefusedWhereAskedTests {
    @Test func anUnknownThemeIsRefusedAndTheThemeStays() {
        var state = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts])
        state.ui.themes = ["default", "dark-256", "light"]
        state.ui.theme = "dark-256"
        _ = Reducer.reduce(&state, .command(.setTheme("nosuch")))
        #expect(state.ui.theme == "dark-256")
        #expect(state.ui.notice?.kind == .unknownTheme("nosuch", known: ["default", "dark-256", "light"]))
        _ = Reducer.reduce(&state, .command(.setTheme("light")))
        #expect(state.ui.theme == "light" && state.ui.notice?.kind == .theme("light"))
        // A path is read by the frontend, which reports a bad file in `!`.
        _ = Reducer.reduce(&state, .command(.setTheme("~/mine.yaml")))
        #expect(state.ui.theme == "~/mine.yaml")
    }
}
