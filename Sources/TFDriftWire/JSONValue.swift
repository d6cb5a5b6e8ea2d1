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
    /// inert line.
    public var jsonText: String {
        var out = ""
        out.reserveCapacity(64)
        write(to: &out)
        return out
    }

    public func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += JSONValue.formatNumber(n)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (i, pair) in object.pairs.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(pair.key, to: &out)
                out += ":"
                pair.value.write(to: &out)
            }
            out += "}"
        }
    }

    /// Integers print without a fraction (`43`, not `43.0`); JSON has no NaN or infinity, so those become null.
    public static func formatNumber(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 {
            return String(Int64(n))
        }
        return String(n)
    }

    public static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where TerminalSafety.isUnsafe(scalar.value):
                // Escaped, not raw: a reader piping this into a terminal must not get controls or bidi overrides.
                for unit in String(scalar).utf16 {
                    out += "\\u"
                    let hex = String(unit, radix: 16)
                    out += String(repeating: "0", count: 4 - hex.count) + hex
                }
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
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
