import Foundation
import Testing
import TFDriftWire

/// The one JSON writer, checked against independent oracles: Foundation reads back exactly what was written,
/// nothing a terminal would act on is left raw, and numbers print as JSON wants them.
struct JSONBytesTests {
    static func text(_ value: JSONValue) -> String { value.jsonText }

    /// What Foundation's reader makes of one written string.
    static func readBack(_ text: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [String])?.first
    }

    @Test(arguments: [
        "", "plain ascii", "quote \" backslash \\ slash /", "line\nfeed\rcr\ttab", "\u{1b}[2J\u{7}\u{0}", "\u{7f}\u{80}\u{9b}",
        "é ü 日本語 🚀 👩‍👩‍👧", "\u{202e}evil\u{202c} \u{200b}zw \u{2066}iso\u{2069}", "\u{feff}bom \u{e0041}tag", "a\u{0}b",
    ])
    func stringsReadBackExactlyAndStayInert(text: String) {
        let written = Self.text(.string(text))
        #expect(Self.readBack(written) == text, "\(written)")
        #expect(TerminalSafety.isClean(written), "raw unsafe character in \(written.unicodeScalars.map { String($0.value, radix: 16) })")
        #expect(!written.dropFirst().dropLast().contains("\n"))
    }

    @Test func printableASCIIIsCopiedAsItIsAndOnlyQuoteAndBackslashEscaped() {
        #expect(Self.text(.string(#"a "b" \c/ ~"#)) == #""a \"b\" \\c/ ~""#)
        #expect(Self.text(.string("\u{1b}")) == #""\u001b""#)
        #expect(Self.text(.string("\u{202e}")) == #""\u202e""#)
        #expect(Self.text(.string("\u{e0041}")) == #""\udb40\udc41""#)
        #expect(Self.text(.string("\n\r\t")) == #""\n\r\t""#)
    }

    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1, "1"), (-1, "-1"), (42, "42"), (1e15, "1000000000000000"),
        (9_007_199_254_740_991, "9007199254740991"), (9_007_199_254_740_992, "9007199254740992.0"), (0.5, "0.5"),
        (-2.25, "-2.25"), (1e300, "1e+300"), (.infinity, "null"), (.nan, "null"),
    ])
    func numbersPrintAsJSONWantsThem(n: Double, expected: String) {
        #expect(Self.text(.number(n)) == expected)
    }

    @Test func randomDocumentsAreValidInertJSONThatReadsBack() throws {
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
            default:
                // Distinct keys, so reading back cannot merge two of them.
                return .object(JSONObject((0..<Int(random.next() % 4)).map { (key: "k\($0)" + string(), value: value(depth + 1)) }))
            }
        }
        for _ in 0..<2000 {
            let document = value(0)
            let written = Self.text(document)
            #expect(TerminalSafety.isClean(written))
            #expect((try? JSONSerialization.jsonObject(with: Data(written.utf8), options: .fragmentsAllowed)) != nil, "\(written)")
            #expect(try JSONParser.parse(written) == document, "\(written)")
        }
    }
}
