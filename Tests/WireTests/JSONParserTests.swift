import Testing
@testable import TFDriftWire

struct JSONParserTests {
    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "tru", "\"unterminated", "01", "1.", "-", "{\"a\" 1}", "\"bad \\q escape\"", "\"raw\u{01}control\"", "{} {}"])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func boundsNestingDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect((try? JSONParser.parse(ok)) != nil)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\n\t\u0041\ud83d\ude00\ud800x""#)
        #expect(value == .string("a\"b\\c/d\n\tA😀\u{FFFD}x"))
    }

    @Test func invalidUTF8BecomesReplacementCharacter() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]
        #expect(try JSONParser.parse(bytes) == .string("a\u{FFFD}b"))
    }

    @Test func numbers() throws {
        #expect(try JSONParser.parse("-0") == .number(0))
        #expect(try JSONParser.parse("123456789012") == .number(123_456_789_012))
        #expect(try JSONParser.parse("1.5e3") == .number(1500))
        #expect(try JSONParser.parse("12345678901234567890") == .number(1.2345678901234567e19))
    }

    @Test func encodingRoundTripsAndEscapesControls() throws {
        let value: JSONValue = ["s": "line\nbreak\u{1B}[31m", "n": 43, "f": 2.5, "z": nil, "a": [true]]
        let text = value.jsonText
        #expect(!text.contains("\n"))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("\"n\":43"))
        #expect(try JSONParser.parse(text) == value)
    }
}
