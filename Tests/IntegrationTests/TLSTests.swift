import Foundation
import Testing
import TFDriftCore
import TFDriftView
import TFDriftNetwork
import TFDriftSimulator
import TFDriftWire

/// Certificates made by the test with openssl: a private CA, a server certificate it signed (for localhost and
/// 127.0.0.1), one for another host name, an expired one, one not valid yet, and a self-signed one.
final class TestCertificates {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tfdrift-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + key + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=tfdrift test CA"])
        try signed("server", san: "DNS:localhost,IP:127.0.0.1")
        try signed("other", san: "DNS:other.example")
        try openssl(["req", "-x509"] + key + ["-keyout", "self.key", "-out", "self.pem", "-days", "2", "-subj", "/CN=localhost",
                     "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        try dated("expired", from: "20200101000000Z", to: "20210101000000Z")
        try dated("future", from: "20991231000000Z", to: "21000101000000Z")
    }

    /// A certificate for localhost signed by the CA with the given validity (`openssl ca`, since `openssl x509`
    /// cannot set a start date before 3.4).
    func dated(_ name: String, from start: String, to end: String) throws {
        try FileManager.default.createDirectory(atPath: path("db-\(name)"), withIntermediateDirectories: true)
        try "".write(toFile: path("db-\(name)/index.txt"), atomically: true, encoding: .utf8)
        try "1000\n".write(toFile: path("db-\(name)/serial"), atomically: true, encoding: .utf8)
        try """
            [ca]
            default_ca = test
            [test]
            database = db-\(name)/index.txt
            new_certs_dir = db-\(name)
            serial = db-\(name)/serial
            default_md = sha256
            policy = anything
            copy_extensions = copy
            unique_subject = no
            [anything]
            commonName = supplied
            """.write(toFile: path("\(name).cnf"), atomically: true, encoding: .utf8)
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(name).key",
                     "-out", "\(name).csr", "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        try openssl(["ca", "-batch", "-config", "\(name).cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "\(name).csr",
                     "-out", "\(name).pem", "-startdate", start, "-enddate", end])
    }

    func path(_ name: String) -> String { folder + "/" + name }

    func signed(_ name: String, san: String) throws {
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(name).key",
                     "-out", "\(name).csr", "-subj", "/CN=\(name)"])
        try "subjectAltName=\(san)\n".write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "\(name).pem",
                     "-days", "2", "-extfile", "\(name).ext"])
    }

    func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }
}

@Suite(.serialized)
struct TLSTests {
    static func server(_ certificates: TestCertificates, _ name: String) throws -> (DemoServer, Int) {
        var options = SimulatorOptions(port: 0, dialect: .real, rate: 50)
        options.tlsCertificate = certificates.path("\(name).pem")
        options.tlsKey = certificates.path("\(name).key")
        let server = DemoServer(options: options)
        let port = try server.start()
        server.generate(40)
        return (server, port)
    }

    static func stopped(_ state: State) -> String? {
        if case .stopped(.certificate(let advice)) = state.servers[0].connection.phase { return advice }
        return nil
    }

    @Test func aPrivateCAIsTrustedWithCAFileForTheWebSocketAndREST() throws {
        let certificates = try TestCertificates()
        let (server, port) = try Self.server(certificates, "server")
        defer { server.stop() }
        for host in ["localhost", "127.0.0.1"] {  // a host name, and an IP address checked against the IP SAN
            let state = runScenario(
                url: "wss://\(host):\(port)/ws", topics: [.drifts],
                steps: [Step(name: "open, with history over https", until: { $0.servers[0].connection.phase == .open && ($0.servers[0].rest.historyLoaded ?? 0) > 0 })],
                configure: { $0.historyOnStart = 10 },
                clientOptions: WebSocketClient.Options(tls: TLSOptions(caFile: certificates.path("ca.pem"))))
            #expect(state.servers[0].rest.historyProblem == nil, "\(host)")
        }
    }

    /// Each reason a certificate is refused, in words that say what to do; no library dump, no retries.
    @Test(arguments: [
        ("self", "localhost", false, "is self-signed: trust it with --ca-file"),
        ("server", "localhost", false, "issued by \"tfdrift test CA\", a CA this machine does not trust: give that CA's PEM with --ca-file"),
        ("other", "localhost", true, "issued for another host name than the one in --url"),
        ("other", "127.0.0.1", true, "issued for another host name than the one in --url"),
        ("expired", "localhost", true, "expired on 2021-01-01T00:00:00Z: it must be renewed on the server"),
        ("future", "127.0.0.1", true, "is not valid until 2099-12-31T00:00:00Z: check this machine's clock"),
    ])
    func anUntrustedCertificateStopsWithTheReasonAndNoRetries(name: String, host: String, trustCA: Bool, reason: String) throws {
        let certificates = try TestCertificates()
        let (server, port) = try Self.server(certificates, name)
        defer { server.stop() }
        let tls = TLSOptions(caFile: trustCA ? certificates.path("ca.pem") : nil)
        let state = runScenario(
            url: "wss://\(host):\(port)/ws", topics: [.drifts],
            steps: [
                Step(name: "stopped on the certificate", until: { Self.stopped($0) != nil }),
                Step(name: "a while later, still stopped", until: { $0.now - $0.startedAt >= 1.5 }),
            ],
            configure: { $0.historyOnStart = 5 },
            clientOptions: WebSocketClient.Options(tls: tls))
        let advice = try #require(Self.stopped(state))
        #expect(advice.contains(reason), "\(advice)")
        #expect(!advice.contains(".cc:") && !advice.contains("NIOSSL") && !advice.contains("/work/"), "no library dump: \(advice)")
        #expect(state.servers[0].connection.generation == 1, "no automatic retries")
        // REST rides the same TLS settings: its failure gives the same reason.
        let rest = (0..<state.diagnostics.problems.nextSeq).compactMap { state.diagnostics.problems[$0] }.filter { $0.source == .rest }
        #expect(!rest.isEmpty && rest.allSatisfy { Wording.problem($0) { _ in "" }.contains(reason) }, "\(rest)")
    }

    /// Mutual TLS: a server that wants a client certificate gets one from --client-cert/--client-key.
    @Test func aClientCertificateOpensAServerThatRequiresOne() throws {
        let certificates = try TestCertificates()
        try certificates.signed("client", san: "DNS:client.example")
        var options = SimulatorOptions(port: 0, dialect: .real, rate: 50)
        options.tlsCertificate = certificates.path("server.pem")
        options.tlsKey = certificates.path("server.key")
        options.tlsClientCA = certificates.path("ca.pem")
        let server = DemoServer(options: options)
        let port = try server.start()
        defer { server.stop() }
        let withCertificate = TLSOptions(
            caFile: certificates.path("ca.pem"), clientCertificate: certificates.path("client.pem"), clientKey: certificates.path("client.key"))
        let state = runScenario(
            url: "wss://localhost:\(port)/ws", topics: [.drifts],
            steps: [Step(name: "open with data", until: { $0.servers[0].connection.phase == .open && $0.feed.drifts.count > 0 })],
            clientOptions: WebSocketClient.Options(tls: withCertificate))
        #expect(state.servers[0].connection.everOpened)
        // Without one, the server ends the handshake; the client says so and does not claim the link is up.
        let refused = runScenario(
            url: "wss://localhost:\(port)/ws", topics: [.drifts],
            steps: [Step(name: "refused", until: { $0.servers[0].connection.attempt >= 1 && $0.servers[0].connection.lastCloseReason != nil })],
            clientOptions: WebSocketClient.Options(tls: TLSOptions(caFile: certificates.path("ca.pem"))))
        #expect(!refused.servers[0].connection.everOpened)
        let reason = refused.servers[0].connection.lastCloseReason ?? ""
        #expect(reason.hasPrefix("the server wants a client certificate: give --client-cert and --client-key"), "\(reason)")
        #expect(!reason.contains(".cc:") && !reason.contains("/work/"), "no library dump: \(reason)")
    }

    @Test func insecureConnectsToASelfSignedServerAndIsMarked() throws {
        let certificates = try TestCertificates()
        let (server, port) = try Self.server(certificates, "self")
        defer { server.stop() }
        let state = runScenario(
            url: "wss://localhost:\(port)/ws", topics: [.drifts],
            steps: [Step(name: "open and data", until: { $0.servers[0].connection.phase == .open && $0.feed.drifts.count > 0 })],
            configure: { $0.tlsUnverified = true },
            clientOptions: WebSocketClient.Options(tls: TLSOptions(insecure: true)))
        #expect(state.servers[0].settings.tlsUnverified)
    }
}
