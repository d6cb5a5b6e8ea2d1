/// The filter grammar shared by the dashboard's `/` line, `--filter` and `tail --filter`:
/// free words match any shown text (case-insensitive), including what the pane composes (a drift's resource
/// address `type.name`, its change `old → new` or `old -> new`); `"two words"` is one phrase; `sev:high+` is that severity and above, `sev:crit`
/// exactly; `type:aws_iam*` globs the resource type; `user:`, `attr:`, `topic:`, `server:` match those fields; a leading
/// `-` excludes; `res:` matches the resource (a drift's id or `type.name`, an event's or state change's resource text). Terms combine with AND. An invalid term is kept (to be marked) and ignored, never an error.
public struct Filter: Sendable, Equatable {
    public enum Field: String, Sendable, Equatable, CaseIterable {
        case type, user, attr, topic, server, res
    }

    public enum Test: Sendable, Equatable {
        case text(String)
        case severity(Severity, orAbove: Bool)
        case field(Field, pattern: String)
    }

    public struct Term: Sendable, Equatable {
        public var text: String
        public var negated: Bool
        /// nil when the term could not be understood; it is shown marked and ignored.
        public var test: Test?
        /// Why the term is invalid, for the filter line.
        public var problem: String?
    }

    public var text: String
    public var terms: [Term]

    public init(_ text: String) {
        self.text = text
        self.terms = Filter.words(text).map { Filter.term($0) }
    }

    /// Words split at blanks; a run in double quotes is one word, without its quotes (`-"a b"`, `user:"a b"`).
    /// An unclosed quote runs to the end.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var word = ""
        var quoted = false
        var started = false
        for c in text {
            if c == "\"" {
                quoted.toggle()
                started = true
            } else if !quoted && (c == " " || c == "\t") {
                if started { words.append(word) }
                word = ""
                started = false
            } else {
                word.append(c)
                started = true
            }
        }
        if started { words.append(word) }
        return words.filter { !$0.isEmpty }
    }

    public var isEmpty: Bool { terms.allSatisfy { $0.test == nil } }
    public var invalidTerms: [Term] { terms.filter { $0.test == nil } }

    static func term(_ raw: String) -> Term {
        var body = Substring(raw)
        let negated = body.hasPrefix("-") && body.count > 1
        if negated { body = body.dropFirst() }
        guard let colon = body.firstIndex(of: ":") else {
            return Term(text: raw, negated: negated, test: .text(body.lowercased()))
        }
        let name = body[..<colon].lowercased()
        let value = String(body[body.index(after: colon)...]).lowercased()
        guard !value.isEmpty else { return Term(text: raw, negated: negated, test: nil, problem: "\(name): needs a value") }
        switch name {
        case "sev", "severity":
            let orAbove = value.hasSuffix("+")
            let level = orAbove ? String(value.dropLast()) : value
            guard let severity = Filter.severity(named: level) else {
                return Term(text: raw, negated: negated, test: nil, problem: "unknown severity \(level)")
            }
            return Term(text: raw, negated: negated, test: .severity(severity, orAbove: orAbove))
        default:
            guard let field = Field(rawValue: name == "attribute" ? "attr" : name == "resource" ? "res" : name) else {
                return Term(text: raw, negated: negated, test: nil, problem: "unknown field \(name)")
            }
            return Term(text: raw, negated: negated, test: .field(field, pattern: value))
        }
    }

    /// Severity names and their short forms as shown in the panes (`crit`, `med`, `warn`).
    static func severity(named name: String) -> Severity? {
        switch name {
        case "crit", "critical": .critical
        case "high": .high
        case "med", "medium": .medium
        case "warn", "warning": .warning
        case "low": .low
        case "info": .info
        default: nil
        }
    }

    /// Whether an item with these fields passes every valid term.
    public func matches(_ item: FilterFields) -> Bool {
        for term in terms {
            guard let test = term.test else { continue }
            if Filter.passes(test, item) == term.negated { return false }
        }
        return true
    }

    static func passes(_ test: Test, _ item: FilterFields) -> Bool {
        switch test {
        case .text(let word):
            return item.searchable.contains { Filter.contains($0, lowercased: word) }
        case .severity(let level, let orAbove):
            guard let severity = item.severity else { return false }
            // Lower rank is more severe; unknown severities rank below every known one.
            return orAbove ? severity.rank <= level.rank : severity == level
        case .field(let field, let pattern):
            let values: [String]
            switch field {
            case .type: values = [item.resourceType]
            case .user: values = [item.user]
            case .attr: values = [item.attribute]
            case .topic: values = [item.topic]
            case .server: values = [item.server]
            case .res: values = item.resources
            }
            let isGlob = pattern.contains("*") || pattern.contains("?")
            return values.contains { isGlob ? glob(pattern, $0.lowercased()) : $0.lowercased().contains(pattern) }
        }
    }

    /// Whether `text` holds `word` (already lower-cased), ignoring case. ASCII text is compared byte by byte
    /// without building a lower-cased copy (deciding a filter over 10,000 items is mostly this); anything else
    /// goes through `lowercased()`.
    static func contains(_ text: String, lowercased word: String) -> Bool {
        let found = text.utf8.withContiguousStorageIfAvailable { haystack -> Bool? in
            word.utf8.withContiguousStorageIfAvailable { needle -> Bool? in
                guard !needle.isEmpty else { return true }
                guard needle.count <= haystack.count else { return haystack.allSatisfy { $0 < 0x80 } ? false : nil }
                var start = 0
                let last = haystack.count - needle.count
                while start <= last {
                    var i = 0
                    while i < needle.count {
                        var byte = haystack[start + i]
                        if byte >= 0x80 { return nil }
                        if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                        if byte != needle[i] { break }
                        i += 1
                    }
                    if i == needle.count { return true }
                    start += 1
                }
                // Not found in ASCII text: certain only if no byte past the last start is non-ASCII either.
                return haystack.allSatisfy { $0 < 0x80 } ? false : nil
            } ?? nil
        } ?? nil
        return found ?? text.lowercased().contains(word)
    }

    /// `*` any run, `?` one character; the whole value must match.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// What a filter looks at in an item of any pane.
public struct FilterFields: Sendable {
    public var severity: Severity?
    public var resourceType: String
    public var user: String
    public var attribute: String
    public var topic: String
    /// Every field shown for the item, for free words.
    public var searchable: [String]
    /// How the item names its resource (`res:`).
    public var resources: [String] = []
    /// The name of the server that sent it (set by the state, which knows the names).
    public var server = ""
}
