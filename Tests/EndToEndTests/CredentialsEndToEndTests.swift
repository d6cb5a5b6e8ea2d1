import Foundation
import Testing

/// A server behind a token: the token comes from a file or the environment, never the command line, is sent on
/// the upgrade and on REST, and is never printed.
@Suite(.serialized)
struct CredentialsEndToEndTests {
    static func secretFile(_ text: String) throws -> String {
        let path = scratchFile("token")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    @Test func theTokenOpensTheServerAndIsNeverPrinted() throws {
        let token = "tok-\(UUID().uuidString)"
        let serverToken = try Self.secretFile(token)
        defer { unlink(serverToken) }
        let server = try DemoServerProcess(rate: 50, extra: ["--require-token-file", serverToken, "--preload", "50"])
        defer { server.stop() }
        let clientToken = try Self.secretFile(token + "\n")
        defer { unlink(clientToken) }

        let log = scratchFile("log")
        defer { unlink(log) }
        let tail = try run(try productPath(), [
            "tail", "--no-config", "--url", server.url, "--token-file", clientToken, "--count", "20", "--duration", "30",
            "--history-on-start", "10", "--log-file", log,
        ])
        #expect(tail.status == 0, "\(tail.err)")
        #expect(tail.out.contains("\"history\":true"), "REST went through with the token too")
        #expect(!tail.out.contains(token) && !tail.err.contains(token))

        // The log: how it connected, each REST call with status and latency, owner-only, and never the token.
        let logged = try String(contentsOfFile: log, encoding: .utf8)
        let events = logged.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: String]
        }
        #expect(events.count == logged.split(separator: "\n").count, "every line is one JSON object of strings: \(logged)")
        #expect(events.first?["event"] == "started" && events.first?["credential"] == "Bearer token from token file \(clientToken)")
        #expect(events.contains { $0["event"] == "open" } && events.contains { $0["event"] == "server" && $0["dialect"] == "real" })
        let drifts = events.first { $0["event"] == "rest" && $0["path"]?.hasPrefix("/api/v1/drifts") == true }
        #expect(drifts?["status"] == "200" && Int(drifts?["ms"] ?? "") != nil, "\(logged)")
        #expect(!logged.contains(token))
        #expect(((try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions]) as? Int) == 0o600)
        // The session's summary ends the log: the messages the tail took (the rest of its 20 came by REST), and its
        // frames (output flushes).
        let summary = try #require(events.last)
        #expect(summary["event"] == "session ended", "\(logged)")
        #expect((Int(summary["messages"] ?? "") ?? 0) >= 1 && (Int(summary["frames"] ?? "") ?? 0) >= 1, "\(summary)")
        #expect(Double(summary["frames_per_second"] ?? "") != nil && Double(summary["seconds"] ?? "") != nil, "\(summary)")

        let config = try run(try productPath(), ["config", "--no-config", "--token-file", clientToken])
        #expect(config.out.contains("# credential: Bearer token from token file \(clientToken)"))
        #expect(!config.out.contains(token))

        // Without it: a 401 that says what to do, and no automatic retries.
        let refusedLog = scratchFile("log")
        defer { unlink(refusedLog) }
        let refused = try run(try productPath(), [
            "tail", "--no-config", "--url", server.url, "--format", "text", "--duration", "5", "--log-file", refusedLog,
        ])
        #expect(refused.status == 3, "a refused configuration has its own exit status")
        #expect(refused.out.contains("HTTP 401 on upgrade: the server wants credentials; put a token in a file and give --token-file"), "\(refused.out)")
        let refusal = try String(contentsOfFile: refusedLog, encoding: .utf8)
        #expect(refusal.contains("\"event\":\"stopped\"") && refusal.contains("unauthorized (401)"), "\(refusal)")
    }

    @Test func aWrongTokenIsNamedByItsSourceOnScreenNeverByItsValue() throws {
        let serverToken = try Self.secretFile("right-\(UUID().uuidString)")
        defer { unlink(serverToken) }
        let server = try DemoServerProcess(rate: 5, extra: ["--require-token-file", serverToken])
        defer { server.stop() }
        let wrong = "wrong-\(UUID().uuidString)"
        let tmux = try Tmux(width: 160, height: 30, command: "TFDRIFT_TOKEN=\(wrong) \(try productPath()) --no-config --url \(server.url)")
        defer { tmux.kill() }
        let screen = try tmux.waitFor("the 401 explained") { $0.contains("STOPPED: HTTP 401") }
        #expect(screen.contains("refused the Bearer token from TFDRIFT_TOKEN"), "\(screen)")
        #expect(!screen.contains(wrong))
    }

    /// A token fixed in the configuration file while the dashboard runs applies at the next attempt (`r`), like
    /// every connection setting; the old and the new value never appear on screen.
    @Test func aTokenFileChangedInTheConfigurationAppliesAtTheNextAttempt() throws {
        let right = "right-\(UUID().uuidString)"
        let serverToken = try Self.secretFile(right)
        defer { unlink(serverToken) }
        let server = try DemoServerProcess(rate: 20, extra: ["--require-token-file", serverToken])
        defer { server.stop() }
        let wrong = "wrong-\(UUID().uuidString)"
        let wrongFile = try Self.secretFile(wrong)
        let rightFile = try Self.secretFile(right)
        let config = scratchFile("config.yaml")
        defer { for path in [wrongFile, rightFile, config] { unlink(path) } }
        try "url: \(server.url)\ntoken-file: \(wrongFile)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let tmux = try Tmux(width: 160, height: 30, command: "\(try productPath()) --config \(config)")
        defer { tmux.kill() }
        _ = try tmux.waitFor("the 401 with the wrong token") { $0.contains("STOPPED: HTTP 401") && $0.contains("token file \(wrongFile)") }
        try "url: \(server.url)\ntoken-file: \(rightFile)\n".write(toFile: config, atomically: true, encoding: .utf8)
        // The file is looked at once a second; `r` before that would still send the old token, so retry until open.
        var screen = ""
        for _ in 0..<10 {
            try tmux.send("r")
            if let opened = try? tmux.waitFor("open with the new token", timeout: 2, { $0.contains("● OPEN") }) {
                screen = opened
                break
            }
        }
        let last = try tmux.screen()
        #expect(screen.contains("● OPEN"), "\(last)")
        #expect(!screen.contains(wrong) && !screen.contains(right))
    }
}
