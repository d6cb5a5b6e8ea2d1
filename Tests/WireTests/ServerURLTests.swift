import Testing
import TFDriftWire

/// An address written for a URL, a `Host` header or a proxy's CONNECT line: IPv6 in brackets, one helper.
struct ServerURLTests {
    @Test func ipv6AddressesAreBracketedEverywhereTheyAreWritten() throws {
        #expect(ServerURL.authority(host: "::1", port: 8080) == "[::1]:8080")
        #expect(ServerURL.authority(host: "tfdrift.internal", port: 443) == "tfdrift.internal:443")
        #expect(ServerURL.bracketed("10.0.0.1") == "10.0.0.1")
        let url = try ServerURL(parsing: "ws://[::1]:8080/ws")
        #expect(url.host == "::1" && url.hostHeader == "[::1]:8080" && url.description == "ws://[::1]:8080/ws")
        let secure = try ServerURL(parsing: "wss://[fe80::1]/ws")
        #expect(secure.hostHeader == "[fe80::1]", "the default port is left out")
    }
}
