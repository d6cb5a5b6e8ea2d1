import Testing
@testable import TFDriftConfig

/// `servers:` in the configuration file: several servers, each with its own address and credentials.
struct ServersConfigTests {
    static let path = "/home/op/.config/tfdrift-tui/config.yaml"

    @Test func eachServerSeesItsOwnSettingsOverTheSharedOnes() {
        let text = """
            provider: aws
            watchdog: 2m
            servers:
              - name: prod
                url: wss://tfdrift.prod.internal/ws
                token-file: /etc/tfdrift/prod.token
                topics: [drifts]
              - name: staging
                url: ws://10.1.2.3:8080/ws
                provider: gcp
            """
        let config = Configuration.resolve(file: (Self.path, text), environment: [:], flags: [:])
        #expect(config.problems.isEmpty, "\(config.problems)")
        #expect(config.servers.map(\.name) == ["prod", "staging"])
        let prod = config.forServer(config.servers[0])
        #expect(prod.value("url") == .string("wss://tfdrift.prod.internal/ws"))
        #expect(prod.sources["url"] == .file(path: Self.path, line: 5))
        #expect(prod.value("token-file") == .string("/etc/tfdrift/prod.token"))
        #expect(prod.value("topics") == .strings(["drifts"]))
        #expect(prod.value("provider") == .string("aws"), "shared when the server sets none")
        let staging = config.forServer(config.servers[1])
        #expect(staging.value("provider") == .string("gcp"))
        #expect(staging.value("token-file") == nil)
        #expect(staging.value("watchdog") == .seconds(120))
        let report = config.report().joined(separator: "\n")
        #expect(report.contains("server prod  wss://tfdrift.prod.internal/ws  (\(Self.path):4)"))
        #expect(report.contains("server staging  ws://10.1.2.3:8080/ws"))
    }

    @Test func entriesThatCannotBeUsedAreReportedWithTheirLineAndLeftOut() {
        let text = """
            servers:
              - name: prod
                url: wss://tfdrift.prod.internal/ws
              - name: "bad name!"
                url: ws://a/ws
              - name: nourl
                provider: aws
              - name: prod
                url: ws://b/ws
              - name: wrongurl
                url: http://c/ws
              - name: extra
                url: ws://d/ws
                theme: light
              - just a string
            """
        let config = Configuration.resolve(file: (Self.path, text), environment: [:], flags: [:])
        // A bad url leaves the server without one, so it is left out too.
        #expect(config.servers.map(\.name) == ["prod", "extra"])
        let problems = config.problems.map(\.description)
        #expect(problems.contains { $0.contains(":4: servers: server name") && $0.contains("letters, digits") })
        #expect(problems.contains { $0.contains(":6: servers: a server needs a url") })
        #expect(problems.contains { $0.contains(":8: servers: two servers are named prod") })
        #expect(problems.contains { $0.contains(":11: servers: url:") })
        #expect(problems.contains { $0.contains(":14: servers: theme is not a per-server setting") })
        #expect(problems.contains { $0.contains(":15: servers: each server is a mapping") })
    }

    @Test func aListIsRequired() {
        let config = Configuration.resolve(file: (Self.path, "servers: prod\n"), environment: [:], flags: [:])
        #expect(config.servers.isEmpty)
        #expect(config.problems.map(\.description) == ["\(Self.path):1: servers: expected a list of servers (- name: prod / url: wss://…); ignored"])
    }
}
