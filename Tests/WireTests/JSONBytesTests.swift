import Testing
import TFDriftWire

/// The byte writer against the `String` writer: the same text for every value, including every kind of
/// character a hostile server can send.
struct JSONBytesTests {
    static func bytes(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        value.write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test(arguments: [
        "", "plain ascii", "quote \" backslash \\ slash /", "line\nfeed\rcr\ttab", "\u{1b}[2J\u{7}\u{0}", "\u{7f}\u{80}\u{9b}",
        "é ü 日本語 🚀 👩‍👩‍👧", "\u{202e}evil\u{202c} \u{200b}zw \u{2066}iso\u{2069}", "\u{feff}bom \u{e0041}tag", "a\u{0}b",
    ])
    func stringsAreWrittenExactlyAsTheStringWriterDoes(text: String) {
        #expect(Self.bytes(.string(text)) == JSONValue.string(text).jsonText)
    }

    @Test(arguments: [0.0, -0.0, 1, -1, 42, 1e15, 9_007_199_254_740_991, 9_007_199_254_740_992, 0.5, -2.25, 1e300, .infinity, .nan])
    func numbersAreWrittenExactlyAsTheStringWriterDoes(n: Double) {
        #expect(Self.bytes(.number(n)) == JSONValue.number(n).jsonText)
    }

    @Test func randomDocumentsAgree() {
        var random = SplitMix64(seed: 99)
        let alphabet: [Unicode.Scalar] = ["a", "Z", "\"", "\\", "\n", "\u{1}", "\u{7f}", "\u{85}", "é", "\u{202e}", "\u{200d}", "日", "🚀", "\u{e0001}", " "]
        func string() -> String {
            var s = ""
            for _ in 0..<Int(random.next() % 12) { s.unicodeScalars.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            return s
        }
        func value(_ depth: Int) -> JSONValue {
            switch random.next() % (depth > 3 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(random.next() % 2 == 0)
            case 2: return .number(Double(Int64(bitPattern: random.next()) % 1_000_000) / (random.next() % 2 == 0 ? 1 : 7))
            case 3: return .string(string())
            case 4: return .array((0..<Int(random.next() % 4)).map { _ in value(depth + 1) })
            default: return .object(JSONObject((0..<Int(random.next() % 4)).map { _ in (key: string(), value: value(depth + 1)) }))
            }
        }
        for _ in 0..<2000 {
            let document = value(0)
            #expect(Self.bytes(document) == document.jsonText)
        }
    }
}
