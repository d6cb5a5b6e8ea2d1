import Testing
@testable import TFDriftConfig

struct ConfigurationTests {
    static let file = (path: "/home/op/.config/tfdrift-tui/config.yaml", text: """
        # war room
        url: wss://tfdrift.prod.internal/ws
        theme: dark-256
        topics: [drifts, events]
        history-on-start: 200
        watchdog: 2m
        header:
          - "X-Team: sre"
          - "Authorization: Bearer s3cr3t"
        """)

    @Test func fileThenEnvironmentThenFlagsEachWithWhereItCameFrom() {
        let config = Configuration.resolve(
            file: Self.file, environment: ["TFDRIFT_THEME": "light", "TFDRIFT_HISTORY_ON_START": "50", "HOME": "/home/op"],
            flags: ["history-on-start": .int(7)])
        #expect(config.problems.isEmpty, "\(config.problems)")
        #expect(config.value("url") == .string("wss://tfdrift.prod.internal/ws"))
        #expect(config.sources["url"] == .file(path: Self.file.path, line: 2))
        #expect(config.value("theme") == .string("light"))
        #expect(config.sources["theme"] == .environment("TFDRIFT_THEME"))
        #expect(config.value("history-on-start") == .int(7))
        #expect(config.sources["history-on-start"] == .flag("history-on-start"))
        #expect(config.value("watchdog") == .seconds(120))
        #expect(config.value("topics") == .strings(["drifts", "events"]))
        #expect(config.value("history") == .int(10_000))
        #expect(config.sources["history"] == .builtIn)
    }

    @Test func theReportSaysWhereEachValueCameFromAndNeverShowsACredential() {
        let config = Configuration.resolve(file: Self.file, environment: ["TFDRIFT_THEME": "light"], flags: [:])
        let report = config.report().joined(separator: "\n")
        #expect(report.contains("url               wss://tfdrift.prod.internal/ws  (\(Self.file.path):2)"))
        #expect(report.contains("theme             light  (environment TFDRIFT_THEME)"))
        #expect(report.contains("history           10000  (default)"))
        #expect(report.contains("X-Team: sre, Authorization: <redacted>"))
        #expect(!report.contains("s3cr3t"))
    }

    @Test func unknownKeysAndBadValuesAreReportedWithLineAndIgnored() {
        let text = """
            url: http://wrong/ws
            theme: light
            histroy: 5
            history-on-start: lots
            fps: 500
            """
        let config = Configuration.resolve(file: (path: "c.yaml", text: text), environment: ["TFDRIFT_WATCHDOG": "soon", "TFDRIFT_BOGUS": "1"], flags: [:])
        let problems = config.problems.map(\.description)
        #expect(problems.contains { $0.hasPrefix("c.yaml:1: url: ") && $0.hasSuffix("; ignored") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("c.yaml:3: histroy: unknown setting") })
        #expect(problems.contains { $0.hasPrefix("c.yaml:4: history-on-start: expected a whole number") })
        #expect(problems.contains { $0.hasPrefix("c.yaml:5: fps: expected a whole number from 1 to 120") })
        #expect(problems.contains { $0.hasPrefix("environment: TFDRIFT_WATCHDOG: expected a duration") })
        #expect(problems.contains { $0.hasPrefix("environment: TFDRIFT_BOGUS: unknown setting") })
        #expect(problems.count == 6)
        // What was not understood is left out: the layer below stays in force, the good values apply.
        #expect(config.value("url") == .string("ws://localhost:8080/ws") && config.sources["url"] == .builtIn)
        #expect(config.value("theme") == .string("light"))
        #expect(config.value("fps") == .int(30))
    }

    @Test(arguments: [("url: [\n", 2), ("- just\n- a list\n", nil)])
    func aFileThatIsNotASettingsMappingIsOneProblem(text: String, line: Int?) {
        let config = Configuration.resolve(file: (path: "c.yaml", text: text), environment: [:], flags: [:])
        #expect(config.problems.count == 1)
        #expect(config.problems.first?.line == line)
        #expect(config.value("url") == .string("ws://localhost:8080/ws"))
    }

    @Test func anEmptyFileSetsNothing() {
        let config = Configuration.resolve(file: (path: "c.yaml", text: "# nothing yet\n"), environment: [:], flags: [:])
        #expect(config.problems.isEmpty && config.sources["url"] == .builtIn)
    }

    @Test(arguments: [("90", 90.0), ("90s", 90), ("2m", 120), ("1h", 3600), ("1.5", 1.5)])
    func durations(text: String, seconds: Double) {
        #expect(ConfigKey.named("stale-after")!.value(fromText: text) == .success(.seconds(seconds)) || seconds < 5)
        #expect(ConfigKey.seconds(text) == seconds)
    }

    @Test func credentialHeadersAreRecognised() {
        for name in ["Authorization", "X-API-Key", "X-Auth-Token", "Cookie", "Proxy-Authorization"] {
            #expect(ConfigKey.isCredential(headerName: name), "\(name)")
        }
        #expect(!ConfigKey.isCredential(headerName: "X-Team"))
    }
}
