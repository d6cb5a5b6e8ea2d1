/// A JSON document as the wire delivers it. Objects keep their key order so that what is re-encoded
/// (for `tail --format ndjson`) reads like what arrived.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// An ordered JSON object. Lookups are linear: wire objects have a handful of keys, and keeping the
/// pairs in an array is cheaper to build than a dictionary.
public struct JSONObject: Sendable, Equatable {
    public var pairs: [(key: String, value: JSONValue)]

    public init(_ pairs: [(key: String, value: JSONValue)] = []) {
        self.pairs = pairs
    }

    public subscript(key: String) -> JSONValue? {
        for pair in pairs where pair.key == key { return pair.value }
        return nil
    }

    public var keys: [String] { pairs.map(\.key) }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.pairs.count == rhs.pairs.count else { return false }
        for (l, r) in zip(lhs.pairs, rhs.pairs) where l.key != r.key || l.value != r.value {
            return false
        }
        return true
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { (key: $0.0, value: $0.1) }))
    }
}

// MARK: - Encoding

extension JSONValue {
    /// Compact JSON text. Control, bidi and invisible characters are escaped, so the result is always one
    /// inert line. Written by the byte writer (`JSONBytes.swift`), the one place that escapes.
    public var jsonText: String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Integers print without a fraction (`43`, not `43.0`); JSON has no NaN or infinity, so those become null.
    public static func formatNumber(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 {
            return String(Int64(n))
        }
        return String(n)
    }

    /// A JSON string literal appended to text (the detail view's keys).
    public static func writeString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        writeString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }
}

extension JSONValue {
    /// Indented JSON, one line per scalar, key or bracket: what the detail view shows side by side.
    public func prettyLines(indent: Int = 2) -> [String] {
        var lines: [String] = []
        pretty(into: &lines, prefix: "", level: 0, indent: indent, trailingComma: false)
        return lines
    }

    private func pretty(into lines: inout [String], prefix: String, level: Int, indent: Int, trailingComma: Bool) {
        let pad = String(repeating: " ", count: level * indent)
        let comma = trailingComma ? "," : ""
        switch self {
        case .array(let items) where !items.isEmpty:
            lines.append(pad + prefix + "[")
            for (i, item) in items.enumerated() {
                item.pretty(into: &lines, prefix: "", level: level + 1, indent: indent, trailingComma: i < items.count - 1)
            }
            lines.append(pad + "]" + comma)
        case .object(let object) where !object.pairs.isEmpty:
            lines.append(pad + prefix + "{")
            for (i, pair) in object.pairs.enumerated() {
                var key = ""
                JSONValue.writeString(pair.key, to: &key)
                pair.value.pretty(into: &lines, prefix: key + ": ", level: level + 1, indent: indent, trailingComma: i < object.pairs.count - 1)
            }
            lines.append(pad + "}" + comma)
        default:
            lines.append(pad + prefix + jsonText + comma)
        }
    }
}
