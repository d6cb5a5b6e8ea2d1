import Testing
@testable import TFDriftCore
import TFDriftWire

/// `tail`'s byte writer against the pairs the export and the clipboard use: the same object for every record,
/// whatever its strings, and whatever its times (the writer formats a second once and reuses it).
struct NDJSONFieldWriterTests {
    @Test func theWriterAndThePairsWriteTheSameObjects() throws {
        var records = Ingest.items(fromFrame: Array(DirectDecoderTests.corpus.joined(separator: "\n").utf8), receivedAt: 1_795_748_400.25)
        records = records.filter { if case .drift = $0 { true } else if case .event = $0 { true } else { $0.isStateChange } }
        #expect(records.count == DirectDecoderTests.corpus.count)
        var hostile = DriftRecord(receivedAt: 1_795_748_400.75, severity: .other("wé\u{1B}ird"), resourceType: "t\"q\\", resourceID: "\u{202E}exe.txt")
        hostile.oldValue = String(repeating: "é", count: 300)
        records.append(.drift(hostile))
        var writer = NDJSONFieldWriter()
        // The same second again and again, the next one, back to an earlier one, and the ends of the calendar.
        let times = [1_795_748_400.25, 1_795_748_400.9, 1_795_748_401.0, 1_795_748_399.999, -1e18, 1e18, 0]
        for (n, time) in times.enumerated() {
            for record in records {
                var item = record
                switch item {
                case .drift(var d): d.receivedAt = time; d.eventTime = n % 2 == 0 ? nil : time + 0.5; item = .drift(d)
                case .event(var e): e.receivedAt = time; item = .event(e)
                case .stateChange(var s): s.receivedAt = time; item = .stateChange(s)
                default: break
                }
                writer.out.removeAll()
                writer.out.append(UInt8(ascii: "{"))
                item.writeFields(to: &writer)
                let written = "{" + String(decoding: writer.out.dropFirst(2), as: UTF8.self) + "}"
                let pairs = JSONValue.object(JSONObject(item.jsonFields.map { (key: $0.0, value: $0.1) })).jsonText
                #expect(written == pairs)
                if written != pairs { return }
            }
        }
    }
}

extension Incoming {
    var isStateChange: Bool { if case .stateChange = self { true } else { false } }
}
