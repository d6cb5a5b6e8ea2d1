import TFDriftWire

/// The command palette (`:`): every action of the bindings table found by name as you type, and the commands
/// that take an argument (`query <json>`, `filter <expr>`…).
public struct PaletteState: Sendable, Equatable {
    public var text = ""
    /// Index into `Palette.matches(text)`.
    public var selected = 0
    /// What the last command said (a bad argument, or the query's exchange below).
    public var feedback: PaletteFeedback?

    public init(text: String = "") { self.text = text }

    /// The index of the selected one of `count` matches, kept within them; nil when there are none.
    public func selection(among count: Int) -> Int? {
        count > 0 ? min(max(0, selected), count - 1) : nil
    }
}

/// Shown under the palette's input line after Enter.
public enum PaletteFeedback: Sendable, Equatable {
    /// The argument was not understood; the palette stays open with the text.
    case invalid(String)
    /// A query went out: its exchange is `state.connection.query`.
    case querySent
}

/// One thing the palette can do.
public struct PaletteEntry: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case run(Command)
        /// Needs an argument: Enter puts `word ` into the line to type it.
        case needsArgument(String)
    }

    /// What is matched and shown: the action's help, or the command's usage.
    public var name: String
    /// The key that does the same outside the palette (`y`), or empty.
    public var keyLabel: String
    public var action: Action
}

/// A `query` sent from the palette and what came back. The real server answers every query with the error
/// "Query not implemented yet": that is the server's answer, shown as such, not a client error.
public struct QueryExchange: Sendable, Equatable {
    public enum Answer: Sendable, Equatable {
        /// The server's `error` reply, sanitised.
        case error(String)
        /// A reply of another type (a future server's result).
        case reply(type: String)
        /// Nothing came back within `Palette.queryTimeout` seconds of the link being open (the documented API
        /// defines no reply).
        case none
    }

    /// The JSON text sent.
    public var request: String
    public var sentAt: Double
    public var answer: Answer?
    public var answeredAt: Double?

    public init(request: String, sentAt: Double) {
        self.request = request
        self.sentAt = sentAt
    }
}

public enum Palette {
    public static let queryTimeout = 10.0
    static let themeHint = "default, dark-256, light, high-contrast, solarized-dark, monochrome, or a file path"
    public static let maximumText = 400

    /// The commands that take an argument, with their usage.
    static let argumentCommands: [(word: String, usage: String)] = [
        ("query", "query <json> — ask the server; its answer shows here"),
        ("filter", "filter <expr> — filter the focused pane (empty clears)"),
        ("subscribe", "subscribe <topic> — all, drifts, events, state, stats"),
        ("unsubscribe", "unsubscribe <topic>"),
        ("provider", "provider <name> — the server's provider filter (empty clears)"),
        ("export", "export <path> — the focused pane as NDJSON"),
        ("theme", "theme <name or path> — switch the theme"),
    ]

    /// Every entry, in the order shown for an empty line: the panes' actions from the bindings table (each
    /// once), then the commands that take an argument.
    public static let entries: [PaletteEntry] = {
        var seen: [Command] = []
        var entries: [PaletteEntry] = []
        for row in Bindings.table where (row.context == .pane || row.context == .everywhere) && !row.keys.isEmpty {
            guard !seen.contains(row.command), row.command != .openPalette else { continue }
            seen.append(row.command)
            entries.append(PaletteEntry(name: row.help, keyLabel: row.label, action: .run(row.command)))
        }
        for command in argumentCommands {
            entries.append(PaletteEntry(name: command.usage, keyLabel: "", action: .needsArgument(command.word)))
        }
        return entries
    }()

    /// The arguments a command can complete: theme names (as the frontend found them) and topics.
    static func candidates(for word: String, themes: [String]) -> [(argument: String, command: Command)] {
        switch word {
        case "theme": themes.map { ($0, .setTheme($0)) }
        case "subscribe", "unsubscribe": Topic.allCases.map { ($0.rawValue, .setTopic($0, subscribed: word == "subscribe")) }
        default: []
        }
    }

    /// Entries matching `text` as a fuzzy subsequence, best first; all of them for an empty line. After a command
    /// word, the arguments it can take that match what is typed (`theme da` offers `theme dark-256`), else the
    /// command's own entry.
    public static func matches(_ text: String, themes: [String] = []) -> [PaletteEntry] {
        let query = text.trimmingBlanks.lowercased()
        if query.isEmpty { return entries }
        let word = String(query.prefix { $0 != " " })
        if text.lowercased().hasPrefix(word + " "), let entry = entries.first(where: { $0.action == .needsArgument(word) }) {
            let typed = String(text.dropFirst(word.count)).trimmingBlanks.lowercased()
            let offered = candidates(for: word, themes: themes).compactMap { candidate in
                typed.isEmpty ? (candidate, 0) : score(typed, candidate.argument.lowercased()).map { (candidate, $0) }
            }
            .sorted { $0.1 > $1.1 }
            .map { PaletteEntry(name: "\(word) \($0.0.argument)", keyLabel: "", action: .run($0.0.command)) }
            return offered.isEmpty ? [entry] : offered
        }
        let scored = entries.enumerated().compactMap { index, entry in
            score(query, entry.name.lowercased()).map { (entry, $0, index) }
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.2 < $1.2 }.map(\.0)
    }

    /// A subsequence match scores more for letters in a row and for letters that start words; nil when
    /// `query` is not a subsequence of `candidate`.
    static func score(_ query: String, _ candidate: String) -> Int? {
        var score = 0
        var run = 0
        var previous: Character = " "
        var q = query.makeIterator()
        var wanted = q.next()
        for c in candidate {
            guard let w = wanted else { break }
            if c == w {
                run += 1
                score += 1 + run * 2 + (previous == " " || previous == "<" ? 3 : 0)
                wanted = q.next()
            } else {
                run = 0
            }
            previous = c
        }
        return wanted == nil ? score : nil
    }

    /// What Enter does with the line: a command word with its argument, or the selected match.
    public enum Outcome: Sendable, Equatable {
        case run(Command)
        case query(JSONValue)
        case complete(String)
        case invalid(String)
    }

    public static func outcome(of palette: PaletteState, themes: [String] = []) -> Outcome {
        let text = palette.text.trimmingBlanks
        let word = text.prefix { $0 != " " }.lowercased()
        let argument = String(text.dropFirst(word.count)).trimmingBlanks
        // An argument typed in part runs the offered one selected (`theme dar` → dark-256); one typed whole, or a
        // path, runs as typed.
        let offered = candidates(for: word, themes: themes)
        if !argument.isEmpty, !argument.contains("/"), !offered.contains(where: { $0.argument.lowercased() == argument.lowercased() }) {
            let found = matches(palette.text, themes: themes)
            if let index = palette.selection(among: found.count), case .run(let command) = found[index].action { return .run(command) }
        }
        switch word {
        case "query":
            guard !argument.isEmpty else { return .invalid("query needs a JSON value, e.g. query {\"resource\":\"aws_s3_bucket\"}") }
            guard let json = try? JSONParser.parse(argument) else { return .invalid("query: not valid JSON") }
            let size = ClientMessage.query(json).json.jsonText.utf8.count
            guard size <= ClientMessage.maximumBytes else {
                return .invalid("query is \(size) bytes; the server closes on more than \(ClientMessage.maximumBytes)")
            }
            return .query(json)
        case "filter":
            return .run(.setFilter(argument))
        case "subscribe", "unsubscribe":
            guard let topic = Topic(rawValue: argument.lowercased()) else {
                return .invalid("\(word): unknown topic \"\(Sanitizer.clean(argument, limit: 40))\" (all, drifts, events, state, stats)")
            }
            return .run(.setTopic(topic, subscribed: word == "subscribe"))
        case "provider":
            return .run(.setProvider(argument))
        case "theme":
            guard !argument.isEmpty else { return .invalid("theme needs a name: \(Palette.themeHint)") }
            return .run(.setTheme(argument))
        case "export":
            return .run(.export(path: argument.isEmpty ? nil : argument))
        default:
            let found = matches(palette.text)
            guard let index = palette.selection(among: found.count) else {
                return .invalid("no action or command matches \"\(Sanitizer.clean(text, limit: 40))\"")
            }
            switch found[index].action {
            case .run(let command): return .run(command)
            case .needsArgument(let word): return .complete(word + " ")
            }
        }
    }
}
