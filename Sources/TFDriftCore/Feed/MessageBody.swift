import TFDriftWire

/// The body fields the record builders read by name.
enum BodyField: Int, CaseIterable {
    case severity, resourceType, resourceName, resourceID, attribute, oldValue, newValue, timestamp, user
    case eventName, reason, decision, status, description, importCommand
    case resource, action, serial, rule, output, containerID, provider, region
    /// Holds `IdentityField`s; not read as a value.
    case userIdentity
    /// The real server's `changes` object, read through `MessageBody.changes…`; not read as a value.
    case changes

    var key: String {
        switch self {
        case .severity: "severity"
        case .resourceType: "resource_type"
        case .resourceName: "resource_name"
        case .resourceID: "resource_id"
        case .attribute: "attribute"
        case .oldValue: "old_value"
        case .newValue: "new_value"
        case .timestamp: "timestamp"
        case .user: "user"
        case .eventName: "event_name"
        case .reason: "reason"
        case .decision: "decision"
        case .status: "status"
        case .description: "description"
        case .importCommand: "import_command"
        case .resource: "resource"
        case .action: "action"
        case .serial: "serial"
        case .rule: "rule"
        case .output: "output"
        case .containerID: "container_id"
        case .provider: "provider"
        case .region: "region"
        case .userIdentity: "user_identity"
        case .changes: "changes"
        }
    }
}

/// The fields of the real server's `user_identity`, in the order a user's name is looked for.
enum IdentityField: Int, CaseIterable {
    case userName, arn, principalID, userNameLower, arnLower

    /// Stored once: `allCases` would build an array per message.
    static let searchOrder = allCases

    var key: String {
        switch self {
        case .userName: "UserName"
        case .arn: "ARN"
        case .principalID: "PrincipalID"
        case .userNameLower: "userName"
        case .arnLower: "arn"
        }
    }
}

/// What the record builders read from a message body. Two sources answer: the parsed JSON tree (any message,
/// `JSONBody`) and the direct decoder's index into a line's bytes (the hot messages, `LineFields`), so records
/// are built by one code whichever path decoded them.
protocol MessageBody {
    /// The field when it is a JSON string, as sent (not cleaned).
    func string(_ field: BodyField) -> String?
    /// The field as sent when that differs from `shown` (its cleaned, cut text); nil when they are the same.
    func ownText(_ field: BodyField, differingFrom shown: String) -> String?
    /// A string field cleaned and cut at `limit` bytes; `""` when absent or null; other values as JSON.
    func text(_ field: BodyField, limit: Int) -> String
    /// Like `text`, but `null` shows as `null`.
    func display(_ field: BodyField, limit: Int) -> String
    /// A `user_identity` field when it is a string.
    func identity(_ field: IdentityField) -> String?
    /// A timestamp field, parsed.
    func time(_ field: BodyField) -> Double?
    /// Whether the field is absent or `null`.
    func isMissing(_ field: BodyField) -> Bool
    /// `changes[key]` when it is a string.
    func changesString(_ key: String) -> String?
    /// `changes[key]` as `text` shows it; nil when there is no such member.
    func changesText(_ key: String) -> String?
    /// The `changes` object as `key=value key=value` without `excluding`; other values as one display line.
    func changesInline(excluding: String?) -> String
}

extension MessageBody {
    func text(_ field: BodyField) -> String { text(field, limit: 256) }
    func display(_ field: BodyField) -> String { display(field, limit: Sanitizer.maximumCharacters) }
}

/// A body from the general path: any JSON value (a non-object has no fields).
struct JSONBody: MessageBody {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }

    func string(_ field: BodyField) -> String? { value[field.key]?.stringValue }
    func ownText(_ field: BodyField, differingFrom shown: String) -> String? {
        guard let own = string(field), own != shown else { return nil }
        return own
    }
    func text(_ field: BodyField, limit: Int) -> String { Ingest.text(value[field.key], limit: limit) }
    func display(_ field: BodyField, limit: Int) -> String { Ingest.display(value[field.key], limit: limit) }
    func identity(_ field: IdentityField) -> String? { value[BodyField.userIdentity.key]?[field.key]?.stringValue }
    func time(_ field: BodyField) -> Double? { string(field).flatMap(Timestamp.parse) }
    func isMissing(_ field: BodyField) -> Bool { value[field.key]?.isNull ?? true }
    func changesString(_ key: String) -> String? { value[BodyField.changes.key]?[key]?.stringValue }
    func changesText(_ key: String) -> String? { value[BodyField.changes.key]?[key].map { Ingest.text($0) } }
    func changesInline(excluding: String?) -> String { Ingest.inline(value[BodyField.changes.key], excluding: excluding) }
}
