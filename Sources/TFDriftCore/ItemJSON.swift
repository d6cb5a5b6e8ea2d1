import TFDriftWire

/// One JSON shape per kind of item, shared by `tail`'s NDJSON, the export file and the clipboard copy, so the
/// three can never disagree about what a drift looks like.
extension DriftRecord {
    public var jsonFields: [(String, JSONValue)] {
        [
            ("topic", "drift"), ("severity", .string(severity.label)), ("resource_type", .string(resourceType)),
            ("resource_name", .string(resourceName)), ("resource_id", .string(resourceID)),
            ("attribute", .string(attribute)), ("old_value", .string(oldValue)), ("new_value", .string(newValue)),
            ("user", .string(user)), ("time", .string(Timestamp.format(time))), ("backfilled", .bool(backfilled)),
            ("history", .bool(history)), ("received_at", .string(Timestamp.format(receivedAt))),
        ]
    }
}

extension EventRecord {
    public var jsonFields: [(String, JSONValue)] {
        [
            ("topic", .string(topic.wireName)), ("severity", .string(severity.label)), ("title", .string(title)),
            ("resource", .string(resource)), ("detail", .string(detail)), ("user", .string(user)),
            ("time", .string(Timestamp.format(time))), ("received_at", .string(Timestamp.format(receivedAt))),
        ]
    }
}

extension StateRecord {
    public var jsonFields: [(String, JSONValue)] {
        [
            ("topic", "state_change"), ("resource", .string(resource)), ("action", .string(action)),
            ("detail", .string(detail)), ("time", .string(Timestamp.format(time))),
            ("received_at", .string(Timestamp.format(receivedAt))),
        ]
    }
}

extension State {
    /// The item at `seq` of a list pane as one JSON object: its fields, and the message as the server sent it
    /// (parsed when it is whole, else the cleaned text).
    public func itemJSON(_ pane: Pane, _ seq: Int, withMessage: Bool) -> JSONValue? {
        let fields: [(String, JSONValue)]
        let raw: String
        switch pane {
        case .drifts:
            guard let d = feed.drifts[seq] else { return nil }
            (fields, raw) = (d.jsonFields, d.raw)
        case .events:
            guard let e = feed.events[seq] else { return nil }
            (fields, raw) = (e.jsonFields, e.raw)
        case .state:
            guard let s = feed.stateChanges[seq] else { return nil }
            (fields, raw) = (s.jsonFields, s.raw)
        case .stats:
            return nil
        }
        var pairs = fields.map { (key: $0.0, value: $0.1) }
        if withMessage, !raw.isEmpty {
            let message = (try? JSONParser.parse(raw)) ?? .string(raw)
            pairs.append((key: "message", value: message))
        }
        return .object(JSONObject(pairs))
    }

    /// Every item the pane shows (after its filter, the minimum severity and a pause), oldest first, as NDJSON.
    public func exportLines(_ pane: Pane) -> [String] {
        guard let range = retained(pane) else { return [] }
        return range.compactMap { isVisible(pane, $0) ? itemJSON(pane, $0, withMessage: false)?.jsonText : nil }
    }
}
