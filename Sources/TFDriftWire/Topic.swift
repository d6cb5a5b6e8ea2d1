/// A topic as the operator sees it: keys `1`–`5` toggle these.
public enum Topic: String, Sendable, Hashable, CaseIterable, Comparable {
    case all
    case drifts
    case events
    case state
    case stats

    public static func < (lhs: Topic, rhs: Topic) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The topic names to subscribe to so that this topic's data arrives from a server of `dialect`.
    ///
    /// The real server delivers an event only to a subscription named exactly like its internal type
    /// (or `all`), and acknowledges the documented plural names without ever delivering on them.
    /// It has no stats stream at all (statistics come from `GET /api/v1/stats`), so `stats` maps to nothing.
    public func wireNames(for dialect: Dialect) -> [String] {
        switch (self, dialect) {
        case (.all, _): ["all"]
        case (.drifts, .real): ["drift"]
        case (.events, .real): ["unmanaged", "policy_decision", "remediation_proposal", "falco"]
        case (.state, .real): ["state_change"]
        case (.stats, .real): []
        case (.drifts, .documented): ["drifts"]
        case (.events, .documented): ["events"]
        case (.state, .documented): ["state"]
        case (.stats, .documented): ["stats"]
        }
    }

    /// Parses a comma-separated list such as `drifts,events`; unknown names are reported, not ignored.
    public static func parseList(_ text: String) throws(TopicListError) -> Set<Topic> {
        var topics = Set<Topic>()
        for part in text.split(separator: ",") {
            let name = part.trimmingBlanks.lowercased()
            if name.isEmpty { continue }
            guard let topic = Topic(rawValue: name) else { throw TopicListError(name: name) }
            topics.insert(topic)
        }
        return topics
    }
}

public struct TopicListError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var description: String {
        "unknown topic \"\(name)\"; choose from \(Topic.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    public var trimmingBlanks: String { trimming(["\u{20}", "\t"]) }

    /// Without leading and trailing spaces, tabs and line breaks (a token file's final newline).
    public var trimmingWhitespace: String { trimming(["\u{20}", "\t", "\n", "\r", "\r\n"]) }

    func trimming(_ characters: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, characters.contains(f) { s.removeFirst() }
        while let l = s.last, characters.contains(l) { s.removeLast() }
        return String(s)
    }
}
