/// Which of the two protocols a server speaks.
/// `real` is what TFDrift-Falco 0.14 sends (`connected`, `{"type":"data","topic":…,"data":…}`);
/// `documented` is the published API (`welcome`, `{"type":"drift","payload":…}`).
public enum Dialect: String, Sendable, Equatable, CaseIterable {
    case real
    case documented
}

/// The kind of event carried by a server message, whichever dialect delivered it.
public enum EventTopic: Sendable, Hashable {
    case drift
    case unmanaged
    case policyDecision
    case remediationProposal
    case falco
    case stateChange
    /// A topic this client does not know yet; kept, shown, never dropped.
    case other(String)

    /// The real server's event type names (the `topic` of a `data` message).
    public init(wireName: String) {
        switch wireName {
        case "drift", "drifts": self = .drift
        case "unmanaged", "unmanaged_resource": self = .unmanaged
        case "policy_decision": self = .policyDecision
        case "remediation_proposal": self = .remediationProposal
        case "falco", "event", "events": self = .falco
        case "state_change", "state": self = .stateChange
        default: self = .other(wireName)
        }
    }

    public var wireName: String {
        switch self {
        case .drift: "drift"
        case .unmanaged: "unmanaged"
        case .policyDecision: "policy_decision"
        case .remediationProposal: "remediation_proposal"
        case .falco: "falco"
        case .stateChange: "state_change"
        case .other(let name): name
        }
    }
}

/// What a server message means to the client.
public enum MessageKind: Sendable, Equatable {
    case welcome(Dialect)
    case subscribed
    case unsubscribed
    case filterSet
    case pong
    case error
    case event(EventTopic)
    case stats
    case unknown
}

/// One JSON object from the server, in either dialect.
public struct ServerMessage: Sendable, Equatable {
    public var type: String
    public var topic: String
    /// `data` (real server) or `payload` (documented API); `.null` when absent.
    public var body: JSONValue
    /// As sent; often `""`. Parse with `Timestamp.parse`.
    public var timestamp: String
    public var error: String?
    public var kind: MessageKind
    /// The whole object as received, for consumers that re-emit it (`tail --format ndjson`).
    public var raw: JSONValue

    public init(json: JSONValue) throws(WireError) {
        guard case .object(let object) = json else { throw WireError.notAnObject }
        guard let type = object["type"]?.stringValue else { throw WireError.missingType }
        self.type = type
        self.topic = object["topic"]?.stringValue ?? ""
        self.body = object["data"] ?? object["payload"] ?? .null
        self.timestamp = object["timestamp"]?.stringValue ?? ""
        self.error = object["error"]?.stringValue
        self.raw = json
        self.kind = ServerMessage.classify(type: type, topic: topic, hasData: object["data"] != nil)
    }

    public static func classify(type: String, topic: String, hasData: Bool) -> MessageKind {
        switch type {
        case "connected": return .welcome(.real)
        case "welcome": return .welcome(hasData ? .real : .documented)
        case "subscribed": return .subscribed
        case "unsubscribed": return .unsubscribed
        case "filter_set": return .filterSet
        case "pong": return .pong
        case "error": return .error
        case "data": return .event(EventTopic(wireName: topic))
        case "stats": return .stats
        case "drift", "falco", "event", "state_change", "unmanaged", "unmanaged_resource", "policy_decision",
            "remediation_proposal":
            return .event(EventTopic(wireName: type))
        default: return .unknown
        }
    }
}

public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAnObject
    case missingType
    case malformed(JSONParseError)
    case tooLarge(bytes: Int, limit: Int)
    /// Parsed, but invalid UTF-8 or a lone surrogate was replaced with U+FFFD.
    case repairedText

    public var description: String {
        switch self {
        case .notAnObject: "not a JSON object"
        case .missingType: "no \"type\" field"
        case .malformed(let e): "malformed JSON: \(e)"
        case .tooLarge(let bytes, let limit): "message of \(bytes) bytes exceeds the server's \(limit)-byte limit"
        case .repairedText: "invalid UTF-8 or a lone surrogate, shown as U+FFFD"
        }
    }
}
