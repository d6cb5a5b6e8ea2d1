import TFDriftCore

/// A key hint (`j/↓ move`, `Esc back`): the keys the bindings table gives `commands` in `context`, then what they
/// do. Labelled from the table, so a rebinding cannot leave a hint stale; a hint whose keys its context does not
/// bind says nothing (and `Hints.all`'s test fails).
struct Hint {
    var commands: [Command]
    var word: String
    var context: BindingContext
    /// Only each command's first key (`Esc` of `Esc/q/b`), for the tightest places.
    var firstKeyOnly = false
    /// Between the keys of several commands: `j/k`, `1-5`.
    var joiner = "/"

    init(_ command: Command, _ word: String, _ context: BindingContext, firstKeyOnly: Bool = false) {
        self.init([command], word, context, firstKeyOnly: firstKeyOnly)
    }

    init(_ commands: [Command], _ word: String, _ context: BindingContext, firstKeyOnly: Bool = false, joiner: String = "/") {
        self.commands = commands
        self.word = word
        self.context = context
        self.firstKeyOnly = firstKeyOnly
        self.joiner = joiner
    }

    /// `Esc/q/b`; nil when the context does not bind every command.
    var keys: String? {
        let labels = commands.map { command in
            Bindings.label(of: command, in: context).map { firstKeyOnly ? String($0.split(separator: "/").first ?? "") : $0 }
        }
        guard !labels.isEmpty, labels.allSatisfy({ $0 != nil }) else { return nil }
        return labels.compactMap { $0 }.joined(separator: joiner)
    }

    /// `Esc/q/b back`.
    var text: String? { keys.map { "\($0) \(word)" } }
}

/// Every key hint the screen shows, each with the context whose keys it names.
enum Hints {
    static let header = [Hint(.toggleHelp, "help", .everywhere), Hint(.quit, "quit", .everywhere)]
    static let tooSmall = Hint(.quit, "quits", .everywhere)
    static let resume = Hint(.togglePause, "resumes", .pane)
    static let allServers = Hint(.cycleServerScope, "all", .pane)
    static let connections = Hint(.toggleConnections, "connections", .pane)
    static let retry = Hint(.retryNow, "to retry", .pane)
    static let unmaximize = Hint(.toggleMaximize, "back", .pane)
    static let filter = [Hint(.submitText, "keeps", .filter), Hint(.cancelText, "back", .filter)]
    static let palette = [Hint(.submitText, "runs", .palette), Hint(.cancelText, "closes", .palette)]
    static let detail = [
        Hint(.detailStep(1), "next", .detail), Hint(.toggleRaw, "raw", .detail), Hint(.fetchContext, "context", .detail),
        Hint(.openBlastRadius, "blast radius", .detail), Hint(.copySelected, "copy", .detail), Hint(.closeDetail, "back", .detail),
    ]
    static let blastRadius = [
        Hint(.blastRadiusMove(1), "move", .blastRadius), Hint(.showBlastRadiusNode, "show it", .blastRadius),
        Hint(.closeBlastRadius, "back", .blastRadius),
    ]
    static let blastRadiusCancel = Hint(.closeBlastRadius, "cancels", .blastRadius, firstKeyOnly: true)
    static let problems = [
        Hint([.diagnosticsScroll(1), .diagnosticsScroll(-1)], "scroll", .diagnostics, firstKeyOnly: true),
        Hint(.toggleDiagnostics, "back", .diagnostics, firstKeyOnly: true),
    ]
    static let connectionsView = [
        Hint(.connectionsMove(1), "select", .connections), Hint(.retryNow, "retry", .connections),
        Hint([.toggleTopic(.all), .toggleTopic(.stats)], "topics", .connections, joiner: "-"),
        Hint(.toggleConnections, "back", .connections),
    ]
    static let kioskQuit = Hint(.quit, "then", .kiosk)
    static let kioskConfirm = Hint(.quit, "quits", .confirmQuit)
    static let kioskHelp = Hint(.toggleHelp, "help", .kiosk)
    static let helpMore = Hint(.helpPage(1), "more", .help, firstKeyOnly: true)

    /// Every hint above, for the test that each names keys its context binds.
    static let all: [Hint] = header + [tooSmall, resume, allServers, connections, retry, unmaximize] + filter + palette + detail
        + blastRadius + [blastRadiusCancel] + problems + connectionsView + [kioskQuit, kioskConfirm, kioskHelp, helpMore]
}

/// A view's key hints in a line, shortened to the room there is: the middle hints go first, the first and the way
/// back stay.
enum KeyHints {
    static func line(_ hints: [Hint], room: Int) -> String {
        var parts = hints.compactMap(\.text)
        func joined() -> String { parts.joined(separator: " · ") }
        while parts.count > 2, TextWidth.width(of: joined()) > room { parts.remove(at: parts.count - 2) }
        return TextWidth.width(of: joined()) <= room ? joined() : parts.last.map { TextWidth.width(of: $0) <= room ? $0 : "" } ?? ""
    }
}
