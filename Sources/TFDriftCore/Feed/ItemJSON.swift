import TFDriftWire

/// Takes an item's JSON fields in order. Each kind of item describes its shape once (`writeFields`), and every
/// consumer follows it: `jsonFields` for the export file and the clipboard copy, `NDJSONFieldWriter` for `tail`,
/// so the three can never disagree about what a drift looks like.
public protocol JSONFieldSink {
    mutating func field(_ key: String, _ value: JSONValue)
    /// A string field: most of a record's fields, written without wrapping the text in a `JSONValue`.
    mutating func string(_ key: String, _ value: String)
    /// A time, written as `2026-11-27T03:01:43Z`.
    mutating func time(_ key: String, _ seconds: Double)
}

extension JSONFieldSink {
    public mutating func string(_ key: String, _ value: String) { field(key, .string(value)) }
}

/// Collects the fields as pairs.
struct JSONFieldList: JSONFieldSink {
    var fields: [(String, JSONValue)] = []
    mutating func field(_ key: String, _ value: JSONValue) { fields.append((key, value)) }
    mutating func time(_ key: String, _ seconds: Double) { fields.append((key, .string(Timestamp.format(seconds)))) }
}

/// Writes the fields straight into an NDJSON byte buffer (`,"key":value` each), formatting a timestamp only when
/// its second changes: what `tail` does for every line of a flood.
public struct NDJSONFieldWriter: JSONFieldSink {
    public var out: [UInt8] = []
    private var second = Double.nan
    private var secondText: [UInt8] = []

    public init() {}

    public mutating func field(_ key: String, _ value: JSONValue) {
        self.key(key)
        value.write(to: &out)
    }

    public mutating func string(_ key: String, _ value: String) {
        self.key(key)
        JSONValue.writeString(value, to: &out)
    }

    /// `,"key":`
    private mutating func key(_ key: String) {
        out.append(UInt8(ascii: ","))
        JSONValue.writeString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    public mutating func time(_ key: String, _ seconds: Double) {
        let floor = seconds.rounded(.down)
        if floor != second {
            second = floor
            secondText = Array(Timestamp.format(seconds).utf8)
        }
        self.key(key)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: secondText)
        out.append(UInt8(ascii: "\""))
    }
}

/// A drift, event or state change: a record that describes its own JSON fields and knows its server.
public protocol FieldRecord {
    var server: Int { get }
    func writeFields(to sink: inout some JSONFieldSink)
}

extension JSONFieldSink {
    /// When it happened and when it arrived: the last two fields of events and state changes.
    mutating func times(_ time: Double, receivedAt: Double) {
        self.time("time", time)
        self.time("received_at", receivedAt)
    }
}

extension Incoming {
    /// A record's fields into `sink`; other items have none here.
    public func writeFields(to sink: inout some JSONFieldSink) {
        switch self {
        case .drift(let d): d.writeFields(to: &sink)
        case .event(let e): e.writeFields(to: &sink)
        case .stateChange(let s): s.writeFields(to: &sink)
        default: break
        }
    }

    /// The fields as pairs, for the export file and the clipboard.
    public var jsonFields: [(String, JSONValue)] {
        var list = JSONFieldList()
        writeFields(to: &list)
        return list.fields
    }
}

extension State {
    /// The item at `seq` of a list pane as one JSON object: its fields, and the message as the server sent it
    /// (parsed when it is whole, else the cleaned text).
    public func itemJSON(_ pane: Pane, _ seq: Int, withMessage: Bool) -> JSONValue? {
        feed.record(pane, at: seq) { $0.json(withMessage: withMessage) }
    }

    /// Every item the pane shows (after its filter, the minimum severity and a pause), oldest first, as NDJSON.
    public func exportLines(_ pane: Pane) -> [String] {
        guard let range = retained(pane) else { return [] }
        return range.compactMap { isVisible(pane, $0) ? itemJSON(pane, $0, withMessage: false)?.jsonText : nil }
    }
}
