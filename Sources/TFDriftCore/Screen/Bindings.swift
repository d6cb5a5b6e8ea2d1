/// A key press, independent of the terminal library that read it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end, tab, backTab, enter, escape, backspace
    case other(Int)
    /// A mouse event (with `--mouse`), at a cell of the screen; the frontend turns it into commands.
    case mouse(MouseEvent)
}

public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case click, doubleClick, wheelUp, wheelDown
    }

    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}

/// Where a binding applies: the screen decides which table rows are live.
public enum BindingContext: String, Sendable, CaseIterable {
    /// Anywhere except while typing into the filter line.
    case everywhere
    /// The panes (no overlay open).
    case pane
    /// The full-screen detail of one item.
    case detail
    /// Typing a filter after `/`.
    case filter
    /// Typing in the command palette after `:`.
    case palette
    /// The list of protocol problems (`!`).
    case diagnostics
    /// The list of servers and their links (`c`).
    case connections
    /// What depends on a resource (`b` in the detail view).
    case blastRadius
    /// The war-room screen (`--kiosk`): nothing else acts there, so a stray key cannot change what the room sees.
    case kiosk
    /// The war room's question after `q`: only these keys quit, any other stays.
    case confirmQuit
    /// The `?` overlay: these keys page, any other closes it.
    case help
    /// A recording playing (`tfdrift-tui replay`): the replay answers these before the store sees them.
    case replay

    /// Contexts where printable keys are text, not commands.
    public var takesText: Bool { self == .filter || self == .palette }

    /// How help, the README and the man page head this context's keys.
    public var title: String {
        switch self {
        case .everywhere: "Everywhere"
        case .pane: "Panes"
        case .detail: "Detail view (Enter)"
        case .filter: "Filter line (/)"
        case .palette: "Command palette (:)"
        case .diagnostics: "Problems (!)"
        case .connections: "Connections (c)"
        case .blastRadius: "Blast radius (b in the detail)"
        case .kiosk: "War room (--kiosk)"
        case .confirmQuit: "War room, after q"
        case .help: "Help (?): any other key closes"
        case .replay: "Replay (tfdrift-tui replay)"
        }
    }
}

/// One row of the one bindings table: it drives key handling, the `?` overlay and the README's key table.
public struct Binding: Sendable {
    public var keys: [Key]
    /// How the keys are written for people: `j ↓`.
    public var label: String
    public var command: Command
    public var help: String
    public var context: BindingContext
    /// The mouse gestures (with `--mouse`) that do the same; a click that selects a row is the screen's own.
    public var gestures: [MouseEvent.Kind]

    init(_ keys: [Key], _ label: String, _ command: Command, _ help: String, _ context: BindingContext, gestures: [MouseEvent.Kind] = []) {
        self.keys = keys
        self.gestures = gestures
        self.label = label
        self.command = command
        self.help = help
        self.context = context
    }
}

public enum Bindings {
    static func ch(_ c: Character) -> Key { .character(c) }
    /// Ctrl and a letter, as the terminal sends it (Ctrl-d is 0x04).
    static func ctrl(_ letter: Character) -> Key {
        .character(Character(Unicode.Scalar(UInt8(letter.asciiValue! & 0x1F))))
    }

    /// Every key the dashboard understands, in the order help shows them.
    public static let table: [Binding] = [
        Binding([ch("?")], "?", .toggleHelp, "this help", .everywhere),
        Binding([ch("q")], "q", .quit, "quit", .everywhere),
        Binding([ch(":")], ":", .openPalette, "command palette (actions, query…)", .everywhere),
        Binding([ch("1")], "1", .toggleTopic(.all), "toggle topic all", .pane),
        Binding([ch("2")], "2", .toggleTopic(.drifts), "toggle drifts", .pane),
        Binding([ch("3")], "3", .toggleTopic(.events), "toggle events", .pane),
        Binding([ch("4")], "4", .toggleTopic(.state), "toggle state", .pane),
        Binding([ch("5")], "5", .toggleTopic(.stats), "toggle stats", .pane),
        Binding([.tab, .right, ch("l")], "Tab → l", .focusNext, "next pane", .pane),
        Binding([.backTab, .left, ch("h")], "S-Tab ← h", .focusPrevious, "previous pane", .pane),
        Binding([ch("j"), .down], "j ↓", .moveSelection(1), "older item (the pane holds)", .pane),
        Binding([ch("k"), .up], "k ↑", .moveSelection(-1), "newer item", .pane),
        Binding([.pageDown, ctrl("f")], "PgDn Ctrl-f", .page(1), "a page older", .pane),
        Binding([.pageUp, ctrl("b")], "PgUp Ctrl-b", .page(-1), "a page newer", .pane),
        Binding([ctrl("d")], "Ctrl-d", .halfPage(1), "half a page older", .pane),
        Binding([ctrl("u")], "Ctrl-u", .halfPage(-1), "half a page newer", .pane),
        Binding([ch("n")], "n", .moveSelection(1), "next (older) match of the filter", .pane),
        Binding([ch("N")], "N", .moveSelection(-1), "previous (newer) match", .pane),
        Binding([ch("g"), .home], "g Home", .jumpOldest, "the oldest item", .pane),
        Binding([ch("G"), .end], "G End", .jumpNewest, "follow the newest again", .pane),
        Binding([.enter], "Enter", .openDetail, "open the item in full", .pane),
        Binding([], "double-click", .openDetail, "open the clicked item (--mouse; a click selects it)", .pane, gestures: [.doubleClick]),
        Binding([], "wheel-down", .moveSelection(3), "three items older (--mouse)", .pane, gestures: [.wheelDown]),
        Binding([], "wheel-up", .moveSelection(-3), "three items newer (--mouse)", .pane, gestures: [.wheelUp]),
        Binding([ch("/")], "/", .startFilter, "filter: sev:high+ type:aws_iam*", .pane),
        Binding([.escape], "Esc", .escape, "clear filter, or follow", .pane),
        Binding([ch("s")], "s", .cycleMinimumSeverity, "cycle minimum severity", .pane),
        Binding([ch(" ")], "Space", .togglePause, "pause (data still counts)", .pane),
        Binding([ch("r")], "r", .retryNow, "reconnect now", .pane),
        Binding([ch("p")], "p", .send(.ping), "send a ping", .pane),
        Binding([ch("y")], "y", .copySelected, "copy the item as JSON (OSC 52)", .pane),
        Binding([ch("e")], "e", .export(path: nil), "export the pane to NDJSON", .pane),
        Binding([ch("z")], "z", .toggleMaximize, "maximise the pane, or back", .pane),
        Binding([ch("t")], "t", .cycleTheme, "next theme", .pane),
        Binding([ch("!")], "!", .toggleDiagnostics, "problems: malformed, unknown, refused…", .pane),
        Binding([ch("S")], "S", .cycleServerScope, "all servers, or one (several --url)", .pane),
        Binding([ch("c")], "c", .toggleConnections, "connections: every server's link", .pane),
        Binding([ch("j"), .down], "j ↓", .detailScroll(1), "scroll down", .detail),
        Binding([ch("k"), .up], "k ↑", .detailScroll(-1), "scroll up", .detail),
        Binding([.pageDown, ch(" ")], "PgDn Space", .detailPage(1), "a page down", .detail),
        Binding([.pageUp], "PgUp", .detailPage(-1), "a page up", .detail),
        Binding([], "wheel-down", .detailScroll(3), "three lines down (--mouse)", .detail, gestures: [.wheelDown]),
        Binding([], "wheel-up", .detailScroll(-3), "three lines up (--mouse)", .detail, gestures: [.wheelUp]),
        Binding([ctrl("f"), ctrl("d")], "Ctrl-f Ctrl-d", .detailPage(1), "a page down", .detail),
        Binding([ctrl("b"), ctrl("u")], "Ctrl-b Ctrl-u", .detailPage(-1), "a page up", .detail),
        Binding([ch("n")], "n", .detailStep(1), "next (older) item", .detail),
        Binding([ch("N")], "N", .detailStep(-1), "previous (newer) item", .detail),
        Binding([ch("r")], "r", .toggleRaw, "raw JSON as received, or back", .detail),
        Binding([ch("c")], "c", .fetchContext, "more from the server (Terraform)", .detail),
        Binding([ch("b")], "b", .openBlastRadius, "what depends on it (blast radius)", .detail),
        Binding([ch("y")], "y", .copySelected, "copy as JSON (OSC 52)", .detail),
        Binding([.escape, ch("q")], "Esc q", .closeDetail, "back to the pane", .detail),
        Binding([.enter], "Enter", .submitText, "keep the filter", .filter),
        Binding([.escape], "Esc", .cancelText, "back to the filter kept before", .filter),
        Binding([.backspace], "Backspace", .deleteText, "delete a character", .filter),
        Binding([ch("j"), .down], "j ↓", .diagnosticsScroll(1), "older problems", .diagnostics),
        Binding([ch("k"), .up], "k ↑", .diagnosticsScroll(-1), "newer problems", .diagnostics),
        Binding([.escape, ch("q"), ch("!")], "Esc q !", .toggleDiagnostics, "back to the panes", .diagnostics),
        Binding([ch("j"), .down], "j ↓", .connectionsMove(1), "next server", .connections),
        Binding([ch("k"), .up], "k ↑", .connectionsMove(-1), "previous server", .connections),
        Binding([ch("r")], "r", .retryNow, "reconnect the selected server now", .connections),
        Binding([ch("1")], "1", .toggleTopic(.all), "toggle topic all on it", .connections),
        Binding([ch("2")], "2", .toggleTopic(.drifts), "toggle drifts on it", .connections),
        Binding([ch("3")], "3", .toggleTopic(.events), "toggle events on it", .connections),
        Binding([ch("4")], "4", .toggleTopic(.state), "toggle state on it", .connections),
        Binding([ch("5")], "5", .toggleTopic(.stats), "toggle stats on it", .connections),
        Binding([.escape, ch("q"), ch("c")], "Esc q c", .toggleConnections, "back to the panes", .connections),
        Binding([ch("j"), .down], "j ↓", .blastRadiusMove(1), "next resource", .blastRadius),
        Binding([ch("k"), .up], "k ↑", .blastRadiusMove(-1), "previous resource", .blastRadius),
        Binding([.pageDown], "PgDn", .blastRadiusMove(10), "ten down", .blastRadius),
        Binding([.pageUp], "PgUp", .blastRadiusMove(-10), "ten up", .blastRadius),
        Binding([], "wheel-down", .blastRadiusMove(3), "three down (--mouse)", .blastRadius, gestures: [.wheelDown]),
        Binding([], "wheel-up", .blastRadiusMove(-3), "three up (--mouse)", .blastRadius, gestures: [.wheelUp]),
        Binding([.enter], "Enter", .showBlastRadiusNode, "the panes show what is held about it", .blastRadius),
        Binding([.escape, ch("q"), ch("b")], "Esc q b", .closeBlastRadius, "back to the detail (cancels)", .blastRadius),
        Binding([ch("?")], "?", .toggleHelp, "these keys (any key closes)", .kiosk),
        Binding([ch("q")], "q", .quit, "ask to quit; y confirms, any other key stays", .kiosk),
        Binding([ch("y"), ch("Y")], "y", .quit, "quit (any other key stays)", .confirmQuit),
        Binding([ch(" "), .pageDown, ch("j"), .down], "Space PgDn j ↓", .helpPage(1), "the next page of keys", .help),
        Binding([.pageUp, ch("k"), .up], "PgUp k ↑", .helpPage(-1), "the page before", .help),
        Binding([ch(" ")], "Space", .replay(.pause), "pause / resume the replay", .replay),
        Binding([ch("+"), ch("=")], "+", .replay(.faster), "faster (1× … 1000×, max)", .replay),
        Binding([ch("-")], "-", .replay(.slower), "slower", .replay),
        Binding([ch(">")], ">", .replay(.forward), "a minute forward", .replay),
        Binding([ch("<")], "<", .replay(.back), "a minute back", .replay),
        Binding([ch("]")], "]", .replay(.nextMoment), "next gap or critical drift", .replay),
        Binding([ch("[")], "[", .replay(.previousMoment), "previous gap or critical drift", .replay),
        Binding([.enter], "Enter", .submitText, "run the command or action", .palette),
        Binding([.escape], "Esc", .cancelText, "close the palette", .palette),
        Binding([.backspace], "Backspace", .deleteText, "delete a character", .palette),
        Binding([.down, .tab], "↓ Tab", .paletteMove(1), "next match", .palette),
        Binding([.up, .backTab], "↑ S-Tab", .paletteMove(-1), "previous match", .palette),
    ]

    /// How the keys of `command` in `context` are written in a hint (`j/↓`), from the table, so a rebinding
    /// cannot leave a hint stale; nil when the context does not bind it.
    public static func label(of command: Command, in context: BindingContext) -> String? {
        table.first { $0.context == context && $0.command == command }.map { $0.label.split(separator: " ").joined(separator: "/") }
    }

    /// What a mouse gesture does in `context`, from the table.
    public static func command(for gesture: MouseEvent.Kind, in context: BindingContext) -> Command? {
        table.first { $0.context == context && $0.gestures.contains(gesture) }?.command
    }

    /// What `key` does by the rows of `context` alone (no `everywhere` rows): the help, the war room, a replay.
    public static func ownCommand(for key: Key, in context: BindingContext) -> Command? {
        table.first { $0.context == context && $0.keys.contains(key) }?.command
    }

    /// What `key` does in `context`; `everywhere` rows apply unless typing.
    public static func command(for key: Key, in context: BindingContext) -> Command? {
        if context.takesText {
            if let row = table.first(where: { $0.context == context && $0.keys.contains(key) }) { return row.command }
            if case .character(let c) = key { return .insertText(c) }
            return nil
        }
        if let row = table.first(where: { $0.context == context && $0.keys.contains(key) }) { return row.command }
        return table.first { $0.context == .everywhere && $0.keys.contains(key) }?.command
    }
}

/// A replay's own controls (`tfdrift-tui replay`): the replay source answers their keys (the table's `replay`
/// rows) before the store sees them, and the help lists them while a recording plays.
public enum ReplayControl: CaseIterable, Sendable, Equatable {
    case pause, faster, slower, forward, back, nextMoment, previousMoment

    public init?(_ key: Key) {
        guard case .replay(let control) = Bindings.ownCommand(for: key, in: .replay) else { return nil }
        self = control
    }
}
