import Testing
import TFDriftCore
import TFDriftNetwork
import TFDriftSimulator
import TFDriftRuntime

/// `doctor`'s server checks against the simulator: healthy, blind, locked, and each TLS certificate problem, with
/// the fix on the line that failed and nothing tried past a failure it depends on.
@Suite(.serialized)
struct DoctorTests {
    static func probe(_ url: String, tls: TLSOptions = TLSOptions(), headers: [(String, String)] = [], credential: String? = nil) -> [DoctorCheck] {
        let options = WebSocketClient.Options(connectTimeout: 3, handshakeTimeout: 3, headers: headers, tls: tls)
        return ServerProbe(options: options, credential: credential).checks(url: url)
    }

    static func bad(_ checks: [DoctorCheck]) -> [DoctorCheck] { checks.filter { $0.verdict == .bad } }

    @Test func aHealthyServerPassesEveryCheck() throws {
        let (server, url) = try startServer(.real, rate: 0)
        defer { server.stop() }
        let checks = Self.probe(url)
        #expect(checks.allSatisfy { $0.verdict == .good }, "\(checks.map(\.line))")
        #expect(checks.contains { $0.what.contains("/health: ok (falco connected)") })
        #expect(checks.count == 7, "proxy, name, TCP, upgrade, credential, health, REST: \(checks.map(\.line))")
    }

    @Test func aBlindServerALockedOneAndNoServerAtAllEachSayWhatToDo() throws {
        let (server, url) = try startServer(.real, rate: 0) { $0.requiredToken = "s3cret" }
        defer { server.stop() }
        server.setFalcoConnected(false)
        let locked = Self.bad(Self.probe(url))
        #expect(locked.contains { $0.what.contains("wants a credential and none is set") && $0.fix?.contains("--token-file") == true }, "\(locked.map(\.line))")
        let blind = Self.bad(Self.probe(url, headers: [("Authorization", "Bearer s3cret")], credential: "bearer token from a test"))
        #expect(blind.map(\.what) == ["/health: degraded (falco disconnected): the server is up but blind"], "\(blind.map(\.line))")
        let nothing = Self.probe("ws://127.0.0.1:1/ws")
        #expect(Self.bad(nothing).count == 1 && nothing.last?.what.contains("TCP to 127.0.0.1:1") == true, "nothing is tried past the refused connect")
        #expect(Self.probe("ws://no-such-host.invalid:8080/ws").last?.what.contains("does not resolve") == true)
    }

    @Test func certificatesExpiredUntrustedAndTrustedAreToldApart() throws {
        let certificates = try TestCertificates()
        let ca = TLSOptions(caFile: certificates.path("ca.pem"))
        for (name, tls, expected) in [
            ("expired", ca, "expired on 2021-01-01T00:00:00Z"), ("self", TLSOptions(), "is self-signed"),
            ("server", TLSOptions(), "a CA this machine does not trust"),
        ] {
            let (server, port) = try TLSTests.server(certificates, name)
            defer { server.stop() }
            let checks = Self.probe("wss://127.0.0.1:\(port)/ws", tls: tls)
            let failed = Self.bad(checks)
            #expect(failed.count == 1 && failed[0].what.hasPrefix("TLS certificate") && failed[0].what.contains(expected), "\(name): \(checks.map(\.line))")
            #expect(failed.first?.fix?.isEmpty == false)
            #expect(!checks.contains { $0.what.hasPrefix("/health") || $0.what.hasPrefix("WebSocket") }, "nothing past TLS is tried")
        }
        let (server, port) = try TLSTests.server(certificates, "server")
        defer { server.stop() }
        let trusted = Self.probe("wss://127.0.0.1:\(port)/ws", tls: ca)
        #expect(trusted.allSatisfy { $0.verdict == .good }, "\(trusted.map(\.line))")
        #expect(trusted.contains { $0.what.contains("issued by \"tfdrift test CA\"") && $0.what.contains("trusted") && $0.what.contains("renew soon") }, "\(trusted.map(\.line))")
    }

    /// `ws://host:port` without `/ws`: the upgrade's 404 says where TFDrift-Falco serves the WebSocket.
    @Test func anUpgradeRefused404OnAnotherPathNamesTheWebSocketPath() throws {
        let (server, url) = try startServer(.real, rate: 0)
        defer { server.stop() }
        let base = String(url.dropLast("/ws".count))
        let checks = Self.probe(base)
        let upgrade = try #require(checks.first { $0.what.hasPrefix("WebSocket upgrade") })
        #expect(upgrade.verdict == .bad && upgrade.what.contains("HTTP 404") && upgrade.what.contains("try \(url)"), "\(checks.map(\.line))")
    }
}

/// Paths typed in the palette are read as a shell would read them.
struct TypedPathTests {
    @Test func tildeAndHomeAreTheHomeFolder() {
        #expect(FileOutput.expandingHome("~/x.ndjson", home: "/home/op") == "/home/op/x.ndjson")
        #expect(FileOutput.expandingHome("$HOME/x", home: "/home/op") == "/home/op/x")
        #expect(FileOutput.expandingHome("~", home: "/home/op") == "/home/op")
        #expect(FileOutput.expandingHome("~bob/x", home: "/home/op") == "~bob/x", "another user's home is not guessed")
        #expect(FileOutput.expandingHome("x/~/y", home: "/home/op") == "x/~/y")
        #expect(FileOutput.expandingHome("~/x", home: nil) == "~/x")
    }
}
