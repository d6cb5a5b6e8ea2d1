#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TFDriftWire

/// The hot path from a line's bytes to a record, with no JSON tree in between: drift, unmanaged, policy,
/// remediation, Falco and state-change messages of either dialect whose every byte is printable ASCII and which hold no escapes —
/// what the real server sends nearly always. The line is checked as strictly as the general parser would;
/// anything else (another kind of message, an escape, a number with an exponent, deep nesting, a field of
/// an unexpected type, a body that is both `data` and `payload`) answers `nil` and takes the general path,
/// so both paths give identical records (`DirectDecoderTests` compares them on the corpus and random input).
enum DirectDecoder {
    /// The line's record without its raw text, or nil for the general path. A line it decodes is printable
    /// ASCII without a backslash: its strings need no decoding and nothing in it needs the sanitiser's repairs.
    /// `raw` is the line as the detail view shows it, built only for a line this path takes.
    static func item(_ line: UnsafeBufferPointer<UInt8>, receivedAt: Double, raw: @autoclosure () -> String) -> Incoming? {
        var scanner = LineScanner(bytes: line)
        var envelope = InlineArray<3, Slot>(repeating: .absent)  // type, topic, timestamp
        var fields = LineFields(bytes: line)
        var body: EnvelopeField?  // which of `data` and `payload` the body came from
        let read = scanner.object { scanner, key in
            switch scanner.envelopeField(key) {
            case let field? where field == .data || field == .payload:
                // The first `data` is the body, as in the tree; a message with both is left to the general path.
                if body == nil {
                    body = field
                    return scanner.peek == UInt8(ascii: "{") && fields.read(&scanner)
                }
                return body == field && scanner.skipValue(depth: 1)
            case let field?:
                guard case .absent = envelope[field.rawValue] else { return scanner.skipValue(depth: 1) }
                return scanner.readScalar(into: &envelope[field.rawValue])
            case nil:
                return scanner.skipValue(depth: 1)
            }
        }
        guard read else { return nil }
        guard scanner.finished, body != nil, case .string(let typeBytes) = envelope[EnvelopeField.type.rawValue] else {
            return nil
        }
        let type = line.text(typeBytes)
        var topic = ""
        switch envelope[EnvelopeField.topic.rawValue] {
        case .string(let r): topic = line.text(r)
        case .absent: break
        default: return nil
        }
        let time: Double?
        if let inner = fields.time(.timestamp) {
            time = inner
        } else if case .string(let r) = envelope[EnvelopeField.timestamp.rawValue] {
            time = Timestamp.parse(UnsafeBufferPointer(rebasing: line[r]))
        } else {
            time = nil
        }
        let item: Incoming
        switch ServerMessage.classify(type: type, topic: topic, hasData: true) {
        case .event(.drift): item = .drift(Ingest.drift(fields, receivedAt: receivedAt, time: time))
        case .event(.stateChange): item = .stateChange(Ingest.stateChange(fields, receivedAt: receivedAt, time: time))
        case .event(.falco): item = .event(Ingest.falco(fields, receivedAt: receivedAt, time: time))
        case .event(let kind) where kind == .unmanaged || kind == .policyDecision || kind == .remediationProposal:
            item = .event(Ingest.event(kind, fields, receivedAt: receivedAt, time: time))
        default: return nil
        }
        return Ingest.withRaw(item, raw())
    }

}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes at `r` as a string (the scanner has proven them plain ASCII).
    func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: self[r]), as: UTF8.self) }
}

/// The envelope keys read; their values are scalars except `data` / `payload`, the body.
enum EnvelopeField: Int {
    case type, topic, timestamp, data, payload
}

/// A field's value as found in the line: not there, `null`, a string (its bytes, between the quotes), or a
/// value whose JSON text the general path would show exactly as sent (`true`, `false`, a plain integer).
enum Slot {
    case absent
    case null
    case string(Range<Int>)
    case verbatim(Range<Int>)
}

/// The body's fields as slots into the line: the `MessageBody` the direct decoder hands the record builders.
struct LineFields: MessageBody {
    let bytes: UnsafeBufferPointer<UInt8>
    var slots = InlineArray<25, Slot>(repeating: .absent)  // BodyField
    var identity = InlineArray<5, Slot>(repeating: .absent)  // IdentityField
    var identitySeen = false
    /// The first `changes` (null, or an object whose members are `changes[0..<changesCount]`) was read.
    var changesSeen = false
    var changes = InlineArray<17, (key: Range<Int>, value: Slot)>(repeating: (0..<0, .absent))
    var changesCount = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads the body object at the scanner: the first occurrence of each known field (as the tree's lookup
    /// finds the first), everything else checked and skipped. False when anything needs the general path.
    mutating func read(_ scanner: inout LineScanner) -> Bool {
        scanner.object { scanner, key in
            switch scanner.bodyField(key) {
            case .userIdentity?:
                defer { identitySeen = true }
                guard !identitySeen, scanner.peek == UInt8(ascii: "{") else { return scanner.skipValue(depth: 2) }
                return readIdentity(&scanner)
            case .changes?:
                defer { changesSeen = true }
                if changesSeen { return scanner.skipValue(depth: 2) }
                // A `changes` that is not an object (or null) is shown as JSON: the general path's.
                return scanner.peek == UInt8(ascii: "{") ? readChanges(&scanner) : scanner.literal("null")
            case let field?:
                guard case .absent = slots[field.rawValue] else { return scanner.skipValue(depth: 2) }
                return scanner.readScalar(into: &slots[field.rawValue])
            case nil:
                return scanner.skipValue(depth: 2)
            }
        }
    }

    mutating func readIdentity(_ scanner: inout LineScanner) -> Bool {
        scanner.object { scanner, key in
            guard let field = scanner.identityField(key), case .absent = identity[field.rawValue] else { return scanner.skipValue(depth: 3) }
            return scanner.readScalar(into: &identity[field.rawValue])
        }
    }

    /// Every member of `changes`, in order (the inline summary shows up to 16 of them); more is left to the
    /// general path.
    mutating func readChanges(_ scanner: inout LineScanner) -> Bool {
        scanner.object { scanner, key in
            guard changesCount < changes.count, scanner.readScalar(into: &changes[changesCount].value) else { return false }
            changes[changesCount].key = key
            changesCount += 1
            return true
        }
    }

    /// The first member of `changes` named `key`.
    func change(_ key: String) -> Slot? {
        for i in 0..<changesCount where key.utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[changes[i].key])) {
            return changes[i].value
        }
        return nil
    }

    func changesString(_ key: String) -> String? {
        if case .string(let r)? = change(key) { return bytes.text(r) }
        return nil
    }

    func changesText(_ key: String) -> String? {
        change(key).map { shown($0, limit: 256, null: "") }
    }

    func changesInline(excluding: String?) -> String {
        var parts: [String] = []
        for i in 0..<changesCount where parts.count < 16 {
            let key = bytes.text(changes[i].key)
            guard key != excluding else { continue }
            parts.append(Sanitizer.clean(plainASCII: key, limit: 40) + "=" + shown(changes[i].value, limit: 120, null: "null"))
        }
        return Sanitizer.clean(parts.joined(separator: " "), limit: 300)
    }

    /// A value as the builders show it: a string or a verbatim value cleaned and cut at `limit`, `null` as
    /// `nullText` (`text` shows it as nothing, `display` as `null`), nothing when absent.
    func shown(_ slot: Slot, limit: Int, null nullText: String) -> String {
        switch slot {
        case .string(let r), .verbatim(let r): Sanitizer.clean(plainASCII: bytes.text(r), limit: limit)
        case .null: nullText
        case .absent: ""
        }
    }

    func isMissing(_ field: BodyField) -> Bool {
        switch slots[field.rawValue] {
        case .absent, .null: true
        case .string, .verbatim: false
        }
    }

    func string(_ field: BodyField) -> String? {
        if case .string(let r) = slots[field.rawValue] { return bytes.text(r) }
        return nil
    }

    /// Compared in place: on this path a shown text differs from the bytes only when cut or redacted, so the
    /// common case costs a length check and no string.
    func ownText(_ field: BodyField, differingFrom shown: String) -> String? {
        guard case .string(let r) = slots[field.rawValue] else { return nil }
        var shown = shown
        let same = shown.withUTF8 { s in
            s.count == r.count && (r.isEmpty || memcmp(s.baseAddress!, bytes.baseAddress! + r.lowerBound, r.count) == 0)
        }
        return same ? nil : bytes.text(r)
    }

    func text(_ field: BodyField, limit: Int) -> String { shown(slots[field.rawValue], limit: limit, null: "") }

    func display(_ field: BodyField, limit: Int) -> String { shown(slots[field.rawValue], limit: limit, null: "null") }

    func identity(_ field: IdentityField) -> String? {
        if case .string(let r) = identity[field.rawValue] { return bytes.text(r) }
        return nil
    }

    func time(_ field: BodyField) -> Double? {
        if case .string(let r) = slots[field.rawValue] { return Timestamp.parse(UnsafeBufferPointer(rebasing: bytes[r])) }
        return nil
    }
}

/// A strict reader of one line for the direct decoder: validates what it skips as the general
/// parser would, and gives up (false or nil) on whatever it leaves to it.
struct LineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var values = 0
    /// Set when `nextKey` stopped at something invalid rather than at the closing brace.
    var failed = false

    /// Deeper nesting or more values than this is left to the general parser, which has its own bounds.
    static let maximumDepth = 16
    static let maximumValues = 4096

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var peek: UInt8 { index < bytes.count ? bytes[index] : 0 }
    var finished: Bool { !failed && index == bytes.count }  // lines arrive trimmed

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == 0x20 { index += 1 }
    }

    /// Whether the bytes at `r` are `word`.
    func bytes(_ r: Range<Int>, are word: StaticString) -> Bool {
        r.count == word.utf8CodeUnitCount && memcmp(word.utf8Start, bytes.baseAddress! + r.lowerBound, r.count) == 0
    }

    /// The envelope key at `r`, if it is one the decoder reads.
    func envelopeField(_ r: Range<Int>) -> EnvelopeField? {
        switch r.count {
        case 4: bytes(r, are: "type") ? .type : bytes(r, are: "data") ? .data : nil
        case 5: bytes(r, are: "topic") ? .topic : nil
        case 7: bytes(r, are: "payload") ? .payload : nil
        case 9: bytes(r, are: "timestamp") ? .timestamp : nil
        default: nil
        }
    }

    /// The body key at `r`, if it is one the builders read (a switch on the length first: most keys are not).
    func bodyField(_ r: Range<Int>) -> BodyField? {
        switch r.count {
        case 4: bytes(r, are: "user") ? .user : bytes(r, are: "rule") ? .rule : nil
        case 6:
            bytes(r, are: "reason") ? .reason : bytes(r, are: "status") ? .status : bytes(r, are: "action") ? .action
                : bytes(r, are: "serial") ? .serial : bytes(r, are: "output") ? .output : bytes(r, are: "region") ? .region : nil
        case 7: bytes(r, are: "changes") ? .changes : nil
        case 8:
            bytes(r, are: "severity") ? .severity : bytes(r, are: "decision") ? .decision
                : bytes(r, are: "resource") ? .resource : bytes(r, are: "provider") ? .provider : nil
        case 9:
            bytes(r, are: "attribute") ? .attribute : bytes(r, are: "old_value") ? .oldValue
                : bytes(r, are: "new_value") ? .newValue : bytes(r, are: "timestamp") ? .timestamp : nil
        case 10: bytes(r, are: "event_name") ? .eventName : nil
        case 11: bytes(r, are: "resource_id") ? .resourceID : bytes(r, are: "description") ? .description : nil
        case 12: bytes(r, are: "container_id") ? .containerID : nil
        case 13:
            bytes(r, are: "resource_type") ? .resourceType : bytes(r, are: "resource_name") ? .resourceName
                : bytes(r, are: "user_identity") ? .userIdentity : nil
        case 14: bytes(r, are: "import_command") ? .importCommand : nil
        default: nil
        }
    }

    func identityField(_ r: Range<Int>) -> IdentityField? {
        switch r.count {
        case 3: bytes(r, are: "ARN") ? .arn : bytes(r, are: "arn") ? .arnLower : nil
        case 8: bytes(r, are: "UserName") ? .userName : bytes(r, are: "userName") ? .userNameLower : nil
        case 11: bytes(r, are: "PrincipalID") ? .principalID : nil
        default: nil
        }
    }

    /// Reads the object at the index: `member` gets each key with the index at its value, and must read or skip
    /// the value; false when it does not, or when the object is not valid JSON.
    mutating func object(_ member: (inout LineScanner, Range<Int>) -> Bool) -> Bool {
        skipSpaces()
        guard peek == UInt8(ascii: "{") else { return false }
        index += 1
        values += 1
        var first = true
        while let key = nextKey(&first) {
            guard member(&self, key) else { return false }
        }
        return !failed
    }

    /// The next member's key, with the index at its value; nil at the object's end or (setting `failed`) at
    /// anything that is not valid JSON here.
    mutating func nextKey(_ first: inout Bool) -> Range<Int>? {
        skipSpaces()
        if first {
            first = false
            if peek == UInt8(ascii: "}") { index += 1; return nil }
        } else {
            switch peek {
            case UInt8(ascii: "}"): index += 1; return nil
            case UInt8(ascii: ","): index += 1; skipSpaces()
            default: failed = true; return nil
            }
        }
        guard let key = quoted() else { failed = true; return nil }
        skipSpaces()
        guard peek == UInt8(ascii: ":") else { failed = true; return nil }
        index += 1
        skipSpaces()
        return key
    }

    /// A plain string's contents: printable ASCII without a backslash (an escape or anything else leaves the
    /// line to the general path), so it ends at the next quote. Eight bytes are checked at a time.
    mutating func quoted() -> Range<Int>? {
        guard peek == UInt8(ascii: "\""), let base = bytes.baseAddress else { return nil }
        let start = index + 1
        var i = start
        while i + 8 <= bytes.count, !JSONValue.needsEscaping(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                index = i + 1
                return start..<i
            }
            if b < 0x20 || b > 0x7E || b == UInt8(ascii: "\\") { return nil }
            i += 1
        }
        return nil
    }

    /// A string, `null`, a boolean or a plain integer into `slot`; false for any other value.
    mutating func readScalar(into slot: inout Slot) -> Bool {
        values += 1
        let start = index
        switch peek {
        case UInt8(ascii: "\""):
            guard let r = quoted() else { return false }
            slot = .string(r)
        case UInt8(ascii: "n"):
            guard literal("null") else { return false }
            slot = .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            guard literal("true") || literal("false") else { return false }
            slot = .verbatim(start..<index)
        default:
            guard plainInteger() else { return false }
            slot = .verbatim(start..<index)
        }
        return true
    }

    /// `0`, or up to 15 digits not starting with 0, optionally negative: exactly what the general path prints
    /// back for the number (so not `-0`, which it prints as `0`, nor fractions or exponents).
    mutating func plainInteger() -> Bool {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        let digits = index
        if peek == UInt8(ascii: "0") {
            index += 1
            guard index - start == 1 else { return false }
        } else {
            while isDigit(peek) { index += 1 }
        }
        let count = index - digits
        return count >= 1 && count <= 15 && peek != UInt8(ascii: ".") && peek != UInt8(ascii: "e") && peek != UInt8(ascii: "E")
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count, memcmp(word.utf8Start, bytes.baseAddress! + index, count) == 0 else { return false }
        index += count
        return true
    }

    /// Checks and passes one value of any kind.
    mutating func skipValue(depth: Int) -> Bool {
        values += 1
        guard depth <= Self.maximumDepth, values <= Self.maximumValues else { return false }
        switch peek {
        case UInt8(ascii: "\""): return quoted() != nil
        case UInt8(ascii: "{"):
            return object { scanner, _ in scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            index += 1
            skipSpaces()
            if peek == UInt8(ascii: "]") { index += 1; return true }
            while true {
                guard skipValue(depth: depth + 1) else { return false }
                skipSpaces()
                switch peek {
                case UInt8(ascii: ","): index += 1; skipSpaces()
                case UInt8(ascii: "]"): index += 1; return true
                default: return false
                }
            }
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return false
        }
    }

    /// RFC 8259's number without an exponent and at most 30 bytes long: always finite, so always accepted by
    /// the general parser; any other number is left to it.
    mutating func number() -> Bool {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard isDigit(peek) else { return false }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(peek) { index += 1 }
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard isDigit(peek) else { return false }
            while isDigit(peek) { index += 1 }
        }
        return peek != UInt8(ascii: "e") && peek != UInt8(ascii: "E") && index - start <= 30
    }

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
