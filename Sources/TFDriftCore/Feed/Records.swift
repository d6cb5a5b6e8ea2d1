import TFDriftWire

/// Severity as the server names it. Besides the documented four, the real server sends `warning` for
/// unmanaged resources and a policy may return any string, which is kept as `.other`.
public enum Severity: Hashable, Sendable, Comparable {
    case critical
    case high
    case medium
    case low
    case warning
    case info
    case other(String)

    public init(_ text: String) {
        switch text.lowercased() {
        case "critical": self = .critical
        case "high", "error": self = .high
        case "medium": self = .medium
        case "low": self = .low
        case "warning", "warn": self = .warning
        case "info", "informational", "notice", "": self = .info
        default: self = .other(Sanitizer.clean(text, limit: 24))
        }
    }

    public var label: String {
        switch self {
        case .critical: "critical"
        case .high: "high"
        case .medium: "medium"
        case .low: "low"
        case .warning: "warning"
        case .info: "info"
        case .other(let s): s
        }
    }

    public var rank: Int {
        switch self {
        case .critical: 0
        case .high: 1
        case .medium: 2
        case .warning: 3
        case .low: 4
        case .info: 5
        case .other: 6
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs.rank != rhs.rank ? lhs.rank < rhs.rank : lhs.label < rhs.label
    }

    public static let known: [Severity] = [.critical, .high, .medium, .warning, .low, .info]
}

/// One drift alert, with every string already sanitised.
public struct DriftRecord: Sendable, Equatable {
    public var receivedAt: Double
    /// When the server says it happened; `nil` when the timestamp was empty or unparsable.
    public var eventTime: Double?
    public var severity: Severity
    public var resourceType: String
    public var resourceName: String
    public var resourceID: String
    public var attribute: String
    public var oldValue: String
    public var newValue: String
    public var user: String
    /// Recovered from `GET /api/v1/drifts` after an interruption rather than received live.
    public var backfilled = false
    /// Loaded from `GET /api/v1/drifts` when the dashboard started (or the server restarted): what happened before.
    public var history = false
    /// The message as received, cleaned, at most `Ingest.maximumRawBytes`.
    public var raw = ""
    /// Which server sent it (an index into `State.servers`).
    public var server = 0
    /// The server's own resource id when `resourceID` (cleaned, cut) differs from it; `""` when it was longer
    /// than `maximumLookupIDBytes` and so was not kept.
    public var serverResourceID: String?

    public static let maximumLookupIDBytes = 2048

    public var time: Double { eventTime ?? receivedAt }

    /// The id a REST lookup puts in its path: the server's own text; nil when it cannot name one resource
    /// there (empty, `.` or `..`, which a normalising proxy or server would turn into another endpoint, or too
    /// long to have been kept).
    public var lookupID: String? {
        let id = serverResourceID ?? resourceID
        return RestRequest.isPathSegment(id) ? id : nil
    }

    public init(
        receivedAt: Double, eventTime: Double? = nil, severity: Severity, resourceType: String,
        resourceName: String = "", resourceID: String, attribute: String = "", oldValue: String = "",
        newValue: String = "", user: String = ""
    ) {
        self.receivedAt = receivedAt
        self.eventTime = eventTime
        self.severity = severity
        self.resourceType = resourceType
        self.resourceName = resourceName
        self.resourceID = resourceID
        self.attribute = attribute
        self.oldValue = oldValue
        self.newValue = newValue
        self.user = user
    }
}

/// A runtime or policy event: Falco events and the real server's unmanaged / policy / remediation events.
public struct EventRecord: Sendable, Equatable {
    public var receivedAt: Double
    public var eventTime: Double?
    public var topic: EventTopic
    public var severity: Severity
    /// The headline: Falco rule, CloudTrail event name, policy decision, remediation status.
    public var title: String
    /// `type.id` or container, whatever names the thing affected.
    public var resource: String
    public var detail: String
    public var user: String
    public var raw = ""
    public var server = 0

    public var time: Double { eventTime ?? receivedAt }

    public init(
        receivedAt: Double, eventTime: Double? = nil, topic: EventTopic, severity: Severity, title: String,
        resource: String, detail: String = "", user: String = ""
    ) {
        self.receivedAt = receivedAt
        self.eventTime = eventTime
        self.topic = topic
        self.severity = severity
        self.title = title
        self.resource = resource
        self.detail = detail
        self.user = user
    }

    /// Short kind label for the Events pane.
    public var kindLabel: String {
        switch topic {
        case .unmanaged: "unmanaged"
        case .policyDecision: "policy"
        case .remediationProposal: "remediate"
        case .falco: "falco"
        case .drift: "drift"
        case .stateChange: "state"
        case .other(let name): Sanitizer.clean(name, limit: 16)
        }
    }
}

/// A Terraform state change.
public struct StateRecord: Sendable, Equatable {
    public var receivedAt: Double
    public var eventTime: Double?
    public var resource: String
    public var action: String
    public var detail: String
    public var raw = ""
    public var server = 0

    public var time: Double { eventTime ?? receivedAt }

    public init(receivedAt: Double, eventTime: Double? = nil, resource: String, action: String, detail: String = "") {
        self.receivedAt = receivedAt
        self.eventTime = eventTime
        self.resource = resource
        self.action = action
        self.detail = detail
    }
}

/// Totals the server reports (documented `stats` messages now, REST `/api/v1/stats` later).
public struct ServerStats: Sendable, Equatable {
    public var driftTotal: Int?
    public var unmanagedTotal: Int?
    public var eventTotal: Int?
    public var severityCounts: [String: Int] = [:]
    /// Drifts the server counted but this client never received (silent drops, gaps nothing could backfill).
    public var droppedEstimate: Int?
    /// Fields that were present but not believable (negative, fractional, non-finite or huge numbers).
    public var problems: [String] = []

    public init(driftTotal: Int? = nil, unmanagedTotal: Int? = nil, eventTotal: Int? = nil, severityCounts: [String: Int] = [:]) {
        self.driftTotal = driftTotal
        self.unmanagedTotal = unmanagedTotal
        self.eventTotal = eventTotal
        self.severityCounts = severityCounts
    }
}

/// Replies to client commands and the welcome.
public enum ControlReply: Sendable, Equatable {
    case welcome(dialect: Dialect, version: String, clientID: String)
    case subscribed(String)
    case unsubscribed(String)
    case filterSet(String)
    case pong
    case error(String)
}

/// One decoded, sanitised item from a frame: what the reducer consumes.
public enum Incoming: Sendable, Equatable {
    case drift(DriftRecord)
    case event(EventRecord)
    case stateChange(StateRecord)
    case stats(ServerStats)
    case control(ControlReply)
    /// A message type this client does not know.
    case unknown(type: String)
    /// A line that was not a JSON object with a `type`.
    case malformed(String)
}

/// The Terraform type at the front of a resource label (`aws_instance.web`, `aws_instance i-0abc`): what the
/// statistics count and `type:` filters on, for events and state changes alike.
func resourceType(ofLabel label: String) -> String {
    // Counted for every event the store takes in: a scan of the bytes, not a split into an array of parts.
    let utf8 = label.utf8
    let start = utf8.firstIndex { $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: " ") } ?? utf8.endIndex
    let end = utf8[start...].firstIndex { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: " ") } ?? utf8.endIndex
    return String(label[start..<end])
}

extension EventRecord {
    public var resourceType: String { TFDriftCore.resourceType(ofLabel: resource) }
}

extension StateRecord {
    public var resourceType: String { TFDriftCore.resourceType(ofLabel: resource) }
}

// What each record offers the list panes (`ListedRecord`): its JSON fields, in the order every export writes
// them, and what the filter line matches.

extension DriftRecord: ListedRecord {
    public func writeFields(to sink: inout some JSONFieldSink) {
        sink.string("topic", "drift")
        sink.string("severity", severity.label)
        sink.string("resource_type", resourceType)
        sink.string("resource_name", resourceName)
        sink.string("resource_id", resourceID)
        sink.string("attribute", attribute)
        sink.string("old_value", oldValue)
        sink.string("new_value", newValue)
        sink.string("user", user)
        sink.time("time", time)
        sink.field("backfilled", .bool(backfilled))
        sink.field("history", .bool(history))
        sink.time("received_at", receivedAt)
    }
}

extension EventRecord: ListedRecord {
    public func writeFields(to sink: inout some JSONFieldSink) {
        sink.string("topic", topic.wireName)
        sink.string("severity", severity.label)
        sink.string("title", title)
        sink.string("resource", resource)
        sink.string("detail", detail)
        sink.string("user", user)
        sink.times(time, receivedAt: receivedAt)
    }
}

extension StateRecord: ListedRecord {
    public func writeFields(to sink: inout some JSONFieldSink) {
        sink.string("topic", "state_change")
        sink.string("resource", resource)
        sink.string("action", action)
        sink.string("detail", detail)
        sink.times(time, receivedAt: receivedAt)
    }
}

extension DriftRecord {
    public var incoming: Incoming { .drift(self) }

    public var lookupTarget: (shown: String, id: String?)? {
        let address = resourceName.isEmpty ? resourceType : resourceType + "." + resourceName
        let id = serverResourceID ?? resourceID
        return (address.isEmpty ? resourceID : address + "  " + resourceID, id.isEmpty ? nil : id)
    }

    public var filterFields: FilterFields {
        FilterFields(
            severity: severity, resourceType: resourceType, user: user, attribute: attribute, topic: "drift",
            searchable: [
                severity.label, resourceType, resourceName, resourceID, attribute, oldValue, newValue, user,
                // As the pane shows them.
                resourceType + "." + resourceName, oldValue + " → " + newValue, oldValue + " -> " + newValue,
            ],
            resources: [resourceID, resourceType + "." + resourceName])
    }
}

extension EventRecord {
    public var incoming: Incoming { .event(self) }

    /// Events keep their resource as text; the id is read from the message as received, once, when asked.
    public var lookupTarget: (shown: String, id: String?)? {
        let body = (try? JSONParser.parse(raw)).map { $0["data"] ?? $0["payload"] ?? $0 }
        let id = body?["resource_id"]?.stringValue.flatMap { $0.isEmpty || $0.utf8.count > 2048 ? nil : $0 }
        return (id.map { Sanitizer.clean($0, limit: 300) } ?? resource, id)
    }

    public var filterFields: FilterFields {
        FilterFields(
            severity: severity, resourceType: resourceType, user: user, attribute: "", topic: topic.wireName,
            searchable: [severity.label, kindLabel, title, resource, detail, user, topic.wireName, detail + " · " + user], resources: [resource])
    }
}

extension StateRecord {
    public var incoming: Incoming { .stateChange(self) }

    public var filterFields: FilterFields {
        FilterFields(
            severity: nil, resourceType: resourceType, user: "", attribute: "", topic: "state_change",
            searchable: [action, resource, detail], resources: [resource])
    }
}
