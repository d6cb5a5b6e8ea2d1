import Foundation
import Testing
@testable import TFDriftConfig
import TFDriftCore

struct CredentialsTests {
    static func tokenFile(_ text: String, mode: Int = 0o600) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tfdrift-token-\(UUID().uuidString)").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode_t(mode))
        return path
    }

    @Test func aTokenFileBecomesTheHeaderAndASecret() throws {
        let token = "tok-\(UUID().uuidString)"
        let path = try Self.tokenFile(token + "\n")
        defer { unlink(path) }
        let config = Configuration.resolve(file: nil, environment: [:], flags: ["token-file": .string(path)])
        let credentials = try Credentials.resolve(config).get()
        #expect(credentials.header?.name == "Authorization" && credentials.header?.value == "Bearer \(token)")
        #expect(credentials.description == "Bearer token from token file \(path)")
        #expect(credentials.warnings.isEmpty)
        // From now on no string from outside can carry it onto a screen or into a file.
        #expect(Sanitizer.clean("server says: bad token \(token)!") == "server says: bad token <redacted>!")
    }

    @Test func xAPIKeySchemeAndTheEnvironment() throws {
        let token = "env-\(UUID().uuidString)"
        let config = Configuration.resolve(file: nil, environment: ["TFDRIFT_TOKEN": token, "TFDRIFT_AUTH_SCHEME": "x-api-key"], flags: [:])
        #expect(config.problems.isEmpty)
        let credentials = try Credentials.resolve(config).get()
        #expect(credentials.header?.name == "X-API-Key" && credentials.header?.value == token)
        #expect(credentials.description == "X-API-Key token from TFDRIFT_TOKEN")
        #expect(!config.report().joined().contains(token), "config shows <redacted>")
        #expect(config.report().contains { $0.hasPrefix("token") && $0.contains("<redacted>") })
    }

    @Test func aTokenFileOthersCanReadDrawsAWarningAsSshWould() throws {
        let path = try Self.tokenFile("s3cr3t-value", mode: 0o644)
        defer { unlink(path) }
        let credentials = try Credentials.resolve(Configuration.resolve(file: nil, environment: [:], flags: ["token-file": .string(path)])).get()
        #expect(credentials.warnings.map(\.description) == ["\(path): token-file: readable by others (mode 644); run chmod 600 \(path)"])
    }

    @Test func anEmptyOrMissingTokenFileIsAnErrorNotASilentAnonymousConnection() throws {
        let empty = try Self.tokenFile("\n")
        defer { unlink(empty) }
        for path in [empty, "/nonexistent/token"] {
            guard case .failure = Credentials.resolve(Configuration.resolve(file: nil, environment: [:], flags: ["token-file": .string(path)])) else {
                Issue.record("\(path) was accepted")
                continue
            }
        }
    }

    @Test func aTokenInTheConfigurationFileIsRefused() {
        let config = Configuration.resolve(file: (path: "c.yaml", text: "token: abcdefgh\n"), environment: [:], flags: ["token": .string("ignored-flag")])
        #expect(config.problems.first?.description.hasPrefix("c.yaml:1: token: a secret does not belong in this file") == true)
        #expect(config.value("token") == nil, "neither the file nor a flag can set it")
    }

    @Test func credentialHeadersAreSecretsToo() throws {
        let value = "hdr-\(UUID().uuidString)"
        let config = Configuration.resolve(file: nil, environment: [:], flags: ["header": .strings(["X-API-Key: \(value)", "X-Team: sre"])])
        let credentials = try Credentials.resolve(config).get()
        #expect(credentials.description == "the X-API-Key header from --header")
        #expect(Sanitizer.clean("echo \(value)") == "echo <redacted>")
        #expect(Sanitizer.clean("X-Team: sre") == "X-Team: sre")
    }
}
