import TFDriftWire

/// Turns decoded wire messages into sanitised records: the "sanitize" stage between decode and reduce.
/// Pure; runs on the network thread so the UI thread only reduces.
public enum Ingest {
    public static func items(from frame: DecodedFrame, receivedAt: Double) -> [Incoming] {
        var items: [Incoming] = []
        items.reserveCapacity(frame.messages.count + frame.failures.count)
        for message in frame.messages {
            items.append(item(from: message, receivedAt: receivedAt))
        }
        for failure in frame.failures { items.append(malformed(failure)) }
        return items
    }

    /// Straight from a WebSocket message's bytes to items, one line at a time (the network thread's path).
    /// `keepingRaw: false` (tail, which prints fields) skips the cleaned copy of each line the detail view shows.
    public static func items(fromFrame bytes: [UInt8], receivedAt: Double, keepingRaw: Bool = true) -> [Incoming] {
        bytes.withUnsafeBufferPointer { items(fromFrame: $0, receivedAt: receivedAt, keepingRaw: keepingRaw) }
    }

    public static func items(fromFrame bytes: UnsafeBufferPointer<UInt8>, receivedAt: Double, keepingRaw: Bool = true) -> [Incoming] {
        items(fromFrame: bytes, receivedAt: receivedAt, direct: true, keepingRaw: keepingRaw)
    }

    /// `direct: false` sends every line through the general path: what the differential tests compare with.
    static func items(fromFrame bytes: UnsafeBufferPointer<UInt8>, receivedAt: Double, direct: Bool, keepingRaw: Bool = true) -> [Incoming] {
        var items: [Incoming] = []
        // Sized once: a batch of a few hundred messages would otherwise be copied each time the array doubles.
        items.reserveCapacity(FrameDecoder.lineCount(bytes))
        FrameDecoder.forEachLineOfBytes(bytes) { line in
            if direct, let item = DirectDecoder.item(line, receivedAt: receivedAt, raw: keepingRaw ? rawText(line, plain: true) : "") {
                items.append(item)
                return
            }
            FrameDecoder.decodeLine(line) { decoded in
                switch decoded {
                case .message(let message, let line):
                    items.append(withRaw(item(message, receivedAt: receivedAt), keepingRaw ? rawText(line, plain: false) : ""))
                case .failure(let failure): items.append(malformed(failure))
                }
            }
        }
        return items
    }

    /// Longest raw line kept with a record for the detail view's `r` (UTF-8 bytes); longer ones are cut.
    public static let maximumRawBytes = 2048

    /// The line as received, cleaned and capped: what `r` in the detail view shows. A line the direct decoder
    /// took is known to be printable ASCII, so the sanitiser need not look at its bytes again.
    static func rawText(_ line: UnsafeBufferPointer<UInt8>, plain: Bool) -> String {
        let kept = UnsafeBufferPointer(rebasing: line[0..<min(line.count, maximumRawBytes)])
        let text = String(decoding: kept, as: UTF8.self)
        return plain ? Sanitizer.clean(plainASCII: text, limit: maximumRawBytes) : Sanitizer.clean(text, limit: maximumRawBytes)
    }

    static func malformed(_ failure: DecodeFailure) -> Incoming {
        .malformed(Sanitizer.clean("\(failure.error): \(failure.excerpt)", limit: 160))
    }

    public static func item(from message: ServerMessage, receivedAt: Double, raw: String? = nil) -> Incoming {
        withRaw(item(message, receivedAt: receivedAt), raw ?? Sanitizer.clean(message.raw.jsonText, limit: maximumRawBytes))
    }

    /// A record with the message it came from, for the detail view; other items have no raw text.
    static func withRaw(_ item: Incoming, _ raw: String) -> Incoming {
        switch item {
        case .drift(var d): d.raw = raw; return .drift(d)
        case .event(var e): e.raw = raw; return .event(e)
        case .stateChange(var c): c.raw = raw; return .stateChange(c)
        default: return item
        }
    }

    static func item(_ message: ServerMessage, receivedAt: Double) -> Incoming {
        let body = message.body
        let time = eventTime(body: body, envelope: message.timestamp)
        switch message.kind {
        case .welcome(let dialect):
            return .control(
                .welcome(
                    dialect: dialect, version: text(body["version"], limit: 40), clientID: text(body["client_id"], limit: 64)))
        case .subscribed: return .control(.subscribed(Sanitizer.clean(message.topic, limit: 64)))
        case .unsubscribed: return .control(.unsubscribed(Sanitizer.clean(message.topic, limit: 64)))
        case .filterSet: return .control(.filterSet(text(body["provider"])))
        case .pong: return .control(.pong)
        case .error:
            let reason = message.error ?? body["message"]?.stringValue ?? "unspecified server error"
            return .control(.error(Sanitizer.clean(reason, limit: 200)))
        case .stats: return .stats(stats(from: body))
        case .unknown: return .unknown(type: Sanitizer.clean(message.type, limit: 40))
        case .event(var topic):
            // The topic's name is the server's to choose: capped and cleaned like any other field.
            if case .other(let name) = topic { topic = .other(Sanitizer.clean(name, limit: maximumTopicBytes)) }
            switch topic {
            case .drift: return .drift(drift(body, receivedAt: receivedAt, time: time))
            case .stateChange: return .stateChange(stateChange(body, receivedAt: receivedAt, time: time))
            default: return .event(event(topic, body, receivedAt: receivedAt, time: time))
            }
        }
    }

    static func drift(_ body: JSONValue, receivedAt: Double, time: Double?) -> DriftRecord {
        drift(JSONBody(body), receivedAt: receivedAt, time: time)
    }

    static func drift(_ body: some MessageBody, receivedAt: Double, time: Double?) -> DriftRecord {
        var drift = DriftRecord(
            receivedAt: receivedAt, eventTime: time, severity: Severity(body.string(.severity) ?? ""),
            resourceType: body.text(.resourceType, limit: 128), resourceName: body.text(.resourceName),
            resourceID: body.text(.resourceID), attribute: body.text(.attribute),
            oldValue: body.display(.oldValue), newValue: body.display(.newValue), user: user(body))
        // The detail view's REST lookups must name the resource as the server does, not as it is shown.
        if let own = body.ownText(.resourceID, differingFrom: drift.resourceID) {
            drift.serverResourceID = own.utf8.count <= DriftRecord.maximumLookupIDBytes ? own : ""
        }
        return drift
    }

    /// A drift from `GET /api/v1/drifts`: the item is the payload itself, and it is also its raw text.
    static func restDrift(_ item: JSONValue, receivedAt: Double) -> DriftRecord {
        var drift = drift(item, receivedAt: receivedAt, time: eventTime(body: item, envelope: ""))
        drift.raw = Sanitizer.clean(item.jsonText, limit: maximumRawBytes)
        return drift
    }

    static func event(_ topic: EventTopic, _ body: JSONValue, receivedAt: Double, time: Double?) -> EventRecord {
        let fields = JSONBody(body)
        switch topic {
        case .unmanaged, .policyDecision, .remediationProposal:
            return event(topic, fields, receivedAt: receivedAt, time: time)
        case .falco:
            return falco(fields, receivedAt: receivedAt, time: time)
        case .drift, .stateChange, .other:
            return EventRecord(
                receivedAt: receivedAt, eventTime: time, topic: topic, severity: Severity(fields.string(.severity) ?? ""),
                title: Sanitizer.clean(topic.wireName, limit: 120), resource: resourceLabel(fields),
                detail: display(body, limit: 300), user: user(fields))
        }
    }

    /// Falco events: the documented shape (`rule`, `output`, `container_id`) or the real server's helper
    /// (`event_name`, `changes.output`, `provider`, `region`). Without a severity, a Falco event is high.
    static func falco(_ body: some MessageBody, receivedAt: Double, time: Double?) -> EventRecord {
        var title = ""
        var detail = ""
        var resource = resourceLabel(body)
        if let rule = body.string(.rule) {  // documented shape
            title = Sanitizer.clean(rule, limit: 120)
            detail = body.text(.output)
            let container = body.text(.containerID)
            if resource.isEmpty, !container.isEmpty { resource = "container " + container }
        } else {  // the real server's (unused so far) falco helper
            title = body.text(.eventName)
            let summary = body.changesText("output") ?? body.changesInline(excluding: nil)
            detail = [summary, body.text(.provider), body.text(.region)].filter { !$0.isEmpty }.joined(separator: " · ")
        }
        let severityText = body.string(.severity) ?? ""
        return EventRecord(
            receivedAt: receivedAt, eventTime: time, topic: .falco,
            severity: severityText.isEmpty ? .high : Severity(severityText), title: Sanitizer.clean(title, limit: 120),
            resource: resource, detail: detail, user: user(body))
    }

    /// Unmanaged resources, policy decisions and remediation proposals: flat bodies of named string fields.
    static func event(_ topic: EventTopic, _ body: some MessageBody, receivedAt: Double, time: Double?) -> EventRecord {
        let title: String
        var detail: String
        switch topic {
        case .unmanaged:
            title = body.text(.eventName)
            detail = body.text(.reason)
        case .policyDecision:
            title = "policy " + body.text(.decision)
            let attribute = body.text(.attribute)
            detail = (attribute.isEmpty ? "" : attribute + ": ") + body.text(.reason)
        case .remediationProposal:
            title = "remediation " + body.text(.status)
            detail = body.text(.description)
            if detail.isEmpty { detail = body.text(.importCommand) }
        default:
            title = topic.wireName
            detail = ""
        }
        return EventRecord(
            receivedAt: receivedAt, eventTime: time, topic: topic, severity: Severity(body.string(.severity) ?? ""),
            title: Sanitizer.clean(title, limit: 120), resource: resourceLabel(body), detail: detail, user: user(body))
    }

    static func stateChange(_ body: JSONValue, receivedAt: Double, time: Double?) -> StateRecord {
        stateChange(JSONBody(body), receivedAt: receivedAt, time: time)
    }

    static func stateChange(_ body: some MessageBody, receivedAt: Double, time: Double?) -> StateRecord {
        if let resource = body.string(.resource) {  // documented: resource, action, serial
            return StateRecord(
                receivedAt: receivedAt, eventTime: time, resource: Sanitizer.clean(resource, limit: 300),
                action: body.text(.action), detail: body.isMissing(.serial) ? "" : "serial " + body.display(.serial))
        }
        let action = body.string(.action) ?? body.changesString("action") ?? "changed"
        return StateRecord(
            receivedAt: receivedAt, eventTime: time, resource: resourceLabel(body),
            action: Sanitizer.clean(action, limit: 24), detail: body.changesInline(excluding: "action"))
    }

    static func stats(from body: JSONValue) -> ServerStats {
        var stats = ServerStats()
        stats.driftTotal = count(body["drifts"]?["total"], "drifts.total", &stats.problems)
        stats.unmanagedTotal = count(body["unmanaged"]?["total"], "unmanaged.total", &stats.problems)
        stats.eventTotal = count(body["events"]?["total"], "events.total", &stats.problems)
        if let counts = body["drifts"]?["severity_counts"]?.objectValue {
            for pair in counts.pairs.prefix(32) {
                let name = Sanitizer.clean(pair.key, limit: 24)
                if let n = count(pair.value, "severity_counts.\(name)", &stats.problems) { stats.severityCounts[name] = n }
            }
        }
        return stats
    }

    // MARK: - Field helpers

    static func eventTime(body: JSONValue, envelope: String) -> Double? {
        if let inner = body["timestamp"]?.stringValue, let t = Timestamp.parse(inner) { return t }
        return Timestamp.parse(envelope)
    }

    /// A count the server reports: nil when absent; nil and a problem noted when present but not a whole
    /// number from 0 to 2^53 (negative, fractional, non-finite, huge, or not a number at all).
    static func count(_ value: JSONValue?, _ name: String, _ problems: inout [String]) -> Int? {
        guard let value, !value.isNull else { return nil }
        if let n = value.numberValue.flatMap(Checked.count) { return n }
        problems.append("\(name) is \(display(value, limit: 40)), not a count")
        return nil
    }

    /// Longest unknown topic name kept (in UTF-8 bytes); the rest of a longer one is cut.
    public static let maximumTopicBytes = 64

    /// A string field, sanitised and cut at `limit` bytes; non-strings are shown as JSON.
    static func text(_ value: JSONValue?, limit: Int = 256) -> String {
        guard let value else { return "" }
        if case .string(let s) = value { return Sanitizer.clean(s, limit: limit) }
        if value.isNull { return "" }
        return display(value, limit: limit)
    }

    /// Any JSON value as one display line: strings bare, `null` as `null`, the rest as compact JSON.
    public static func display(_ value: JSONValue?, limit: Int = Sanitizer.maximumCharacters) -> String {
        guard let value else { return "" }
        switch value {
        case .string(let s): return Sanitizer.clean(s, limit: limit)
        case .null: return "null"
        default:
            return Sanitizer.clean(value.jsonText, limit: limit)
        }
    }

    /// An object's fields as `key=value key=value`; other values as one display line.
    static func inline(_ value: JSONValue?, excluding: String?) -> String {
        guard let value, !value.isNull else { return "" }
        guard let object = value.objectValue else { return display(value, limit: 300) }
        let parts = object.pairs.filter { $0.key != excluding }.prefix(16)
            .map { "\(Sanitizer.clean($0.key, limit: 40))=\(display($0.value, limit: 120))" }
        return Sanitizer.clean(parts.joined(separator: " "), limit: 300)
    }

    /// `aws_instance.web`, or `aws_instance i-0abc`, or whichever part is present.
    static func resourceLabel(_ body: some MessageBody) -> String {
        let type = body.text(.resourceType)
        let name = body.text(.resourceName)
        if !name.isEmpty { return Sanitizer.clean(type.isEmpty ? name : type + "." + name, limit: 300) }
        let id = body.text(.resourceID)
        if type.isEmpty || id.isEmpty { return Sanitizer.clean(type + id, limit: 300) }
        return Sanitizer.clean(type + " " + id, limit: 300)
    }

    /// Documented `user`, else the real server's PascalCase `user_identity`.
    static func user(_ body: some MessageBody) -> String {
        if let user = body.string(.user), !user.isEmpty { return Sanitizer.clean(user, limit: 120) }
        for field in IdentityField.searchOrder {
            if let s = body.identity(field), !s.isEmpty { return Sanitizer.clean(s, limit: 120) }
        }
        return ""
    }
}
