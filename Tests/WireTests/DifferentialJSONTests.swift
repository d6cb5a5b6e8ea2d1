import Foundation
import Testing
import TFDriftWire

/// Our parser against Foundation's `JSONSerialization` on seeded random lines, valid and mutated: every line
/// Foundation accepts must decode to the same values; every line it rejects must be rejected by ours, or
/// accepted with its repair reported (invalid UTF-8 and lone surrogates become U+FFFD, on purpose, so one
/// bad field does not cost a whole batch). Never silently mis-read.
struct DifferentialJSONTests {
    struct Generator {
        var random: SplitMix64
        mutating func next() -> UInt64 { random.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

        mutating func value(depth: Int) -> String {
            switch below(depth > 4 ? 5 : 8) {
            case 0: return ["null", "true", "false"][below(3)]
            case 1: return String(Int64(bitPattern: next()) >> (below(60) + 3))
            case 2: return ["0.5", "-1e3", "1E-7", "123.456e+2", "-0", "1e308", "5e-324", "0.1"][below(8)]
            case 3, 4: return string()
            case 5: return "[" + (0..<below(4)).map { _ in value(depth: depth + 1) }.joined(separator: space() + "," + space()) + "]"
            default:
                let keys = Set((0..<below(4)).map { _ in "k\(below(20))" })  // no duplicate keys in valid documents
                return "{" + keys.map { "\"\($0)\"" + space() + ":" + space() + value(depth: depth + 1) }.joined(separator: ",") + "}"
            }
        }

        mutating func space() -> String { ["", " ", "\t", "\r\n  "][below(4)] }

        mutating func string() -> String {
            let pieces = ["a", "é", "東", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\u001b", " ", "\\t", "\\u202e"]
            return "\"" + (0..<below(6)).map { _ in pieces[below(pieces.count)] }.joined() + "\""
        }

        /// A byte-level mutation: delete, duplicate, replace (with anything, invalid UTF-8 included), or truncate.
        mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
            guard !bytes.isEmpty else { return [UInt8(below(256))] }
            var b = bytes
            let i = below(b.count)
            switch below(5) {
            case 0: b.remove(at: i)
            case 1: b.insert(b[i], at: i)
            case 2: b[i] = UInt8(below(256))
            case 3: b = Array(b.prefix(i))
            default: b.insert(contentsOf: [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x5C, 0x75, 0x64, 0x38, 0x30, 0x30]][below(4)], at: i)
            }
            return b
        }
    }

    /// Compares a Foundation object with our value.
    static func same(_ foundation: Any, _ ours: JSONValue) -> Bool {
        switch ours {
        case .null: return foundation is NSNull
        case .bool(let b):
            // swift-corelibs-foundation gives booleans and numbers alike as NSNumber.
            if let n = foundation as? NSNumber { return n.boolValue == b && (n.doubleValue == 0 || n.doubleValue == 1) }
            return (foundation as? Bool) == b
        case .number(let d):
            if let n = foundation as? NSNumber {
                // Large integers come as NSDecimalNumber, whose doubleValue can be an ulp off: use its exact text.
                return n.doubleValue == d || Double(n.description) == d
            }
            return (foundation as? Double) == d
        case .string(let s): return (foundation as? String) == s
        case .array(let items):
            guard let array = foundation as? [Any], array.count == items.count else { return false }
            return zip(array, items).allSatisfy { same($0, $1) }
        case .object(let object):
            guard let dictionary = foundation as? [String: Any], dictionary.count == Set(object.keys).count else { return false }
            return dictionary.allSatisfy { key, value in object.pairs.contains { $0.key == key && same(value, $0.value) } }
        }
    }

    @Test func agreesWithFoundationOnRandomAndMutatedLines() {
        let rounds = Int(ProcessInfo.processInfo.environment["TFDRIFT_DIFFERENTIAL_ROUNDS"] ?? "") ?? 20_000
        var generator = Generator(random: SplitMix64(seed: 20_261_127))
        var agreedAccepts = 0, agreedRejects = 0, reportedRepairs = 0
        for round in 0..<rounds {
            var bytes = Array(generator.value(depth: 0).utf8)
            if round % 2 == 1 { bytes = generator.mutate(bytes) }
            let foundation = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            let ours = bytes.withUnsafeBufferPointer { buffer in
                Result { () throws(JSONParseError) in try JSONParser.parseReportingRepairs(buffer: buffer) }
            }
            switch (foundation, ours) {
            case (let f?, .success(let parsed)):
                if parsed.repaired {
                    reportedRepairs += 1  // Foundation's own leniency, if any: reported by ours either way
                } else {
                    #expect(Self.same(f, parsed.value), "mis-read: \(String(decoding: bytes, as: UTF8.self)) → \(parsed.value)")
                    agreedAccepts += 1
                }
            case (_?, .failure) where Self.foundationIsNonConforming(bytes):
                agreedRejects += 1  // RFC 8259 refuses it; Foundation's leniency is not followed
            case (let f?, .failure(let error)):
                #expect(Bool(false), "Foundation read \(f) but we refused (\(error)): \(bytes.map { String($0, radix: 16) })")
            case (nil, .success(let parsed)):
                #expect(parsed.repaired, "accepted silently what Foundation refused: \(bytes.map { String($0, radix: 16) }.joined(separator: " "))")
                reportedRepairs += 1
            case (nil, .failure):
                agreedRejects += 1
            }
        }
        #expect(agreedAccepts > rounds / 4 && agreedRejects > rounds / 10, "the generator must exercise both sides")
        #expect(agreedAccepts + agreedRejects + reportedRepairs == rounds)
    }

    /// Lines swift-corelibs-foundation accepts against RFC 8259: a NUL byte (it stops or skips there) and a
    /// trailing comma before `]` or `}`.
    static func foundationIsNonConforming(_ bytes: [UInt8]) -> Bool {
        if bytes.contains(0) { return true }
        var lastSignificant: UInt8 = 0
        for byte in bytes where ![0x20, 0x09, 0x0A, 0x0D].contains(byte) {
            if (byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")) && lastSignificant == UInt8(ascii: ",") { return true }
            lastSignificant = byte
        }
        return false
    }

    @Test func repairsAreReportedByTheDecoder() {
        let frame = FrameDecoder.decode([UInt8](#"{"type":"pong","topic":"a"#.utf8) + [0xFF] + [UInt8](#""}"#.utf8))
        #expect(frame.messages.count == 1)
        #expect(frame.failures.map(\.error) == [.repairedText])
    }
}
