import TFDriftWire

/// The body fields the record builders read by name (drift, unmanaged, policy and remediation messages).
enum BodyField: Int, CaseIterable {
    case severity, resourceType, resourceName, resourceID, attribute, oldValue, newValue, timestamp, user
    case eventName, reason, decision, status, description, importCommand
    /// Holds `IdentityField`s; not read as a value.
    case userIdentity

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
        case .userIdentity: "user_identity"
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
    /// A string field cleaned and cut at `limit` bytes; `""` when absent or null; other values as JSON.
    func text(_ field: BodyField, limit: Int) -> String
    /// Like `text`, but `null` shows as `null`.
    func display(_ field: BodyField, limit: Int) -> String
    /// A `user_identity` field when it is a string.
    func identity(_ field: IdentityField) -> String?
    /// A timestamp field, parsed.
    func time(_ field: BodyField) -> Double?
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
    func text(_ field: BodyField, limit: Int) -> String { Ingest.text(value[field.key], limit: limit) }
    func display(_ field: BodyField, limit: Int) -> String { Ingest.display(value[field.key], limit: limit) }
    func identity(_ field: IdentityField) -> String? { value[BodyField.userIdentity.key]?[field.key]?.stringValue }
    func time(_ field: BodyField) -> Double? { string(field).flatMap(Timestamp.parse) }
}
