import Testing
import TFDriftWire

struct Base64Tests {
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("{\"a\":\"é\"}", "eyJhIjoiw6kifQ==")])
    func base64(text: String, encoded: String) {
        #expect(String(decoding: Base64.encode(Array(text.utf8)), as: UTF8.self) == encoded)
        #expect(Base64.decode(Array(encoded.utf8)) == Array(text.utf8))
    }

    @Test func everyByteSurvivesTheRoundTrip() {
        var generator = SplitMix64(seed: 7)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    @Test(arguments: ["Zg=", "Z===", "Zm9v!A==", "Zg==Zg==", "=Zg="])
    func damagedTextIsRefused(text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil)
    }
}
