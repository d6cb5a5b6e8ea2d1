import Testing
import TFDriftCore
import TFDriftNetwork
import TFDriftSimulator
import TFDriftWire

/// Reading proxy settings as curl does.
struct ProxySettingsTests {
    @Test func theEnvironmentPicksAProxyPerSchemeAndLowerCaseWins() throws {
        let settings = try ProxySettings.resolve(explicit: nil, environment: [
            "HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128", "HTTP_PROXY": "plain.example:8080",
        ])
        #expect(settings.endpoint(for: try ServerURL(parsing: "wss://server:443/ws"))?.description == "http://lower:3128")
        #expect(settings.endpoint(for: try ServerURL(parsing: "ws://server:8080/ws"))?.description == "http://plain.example:8080")
        let none = try ProxySettings.resolve(explicit: nil, environment: ["HOME": "/root"])
        #expect(none.endpoint(for: try ServerURL(parsing: "ws://server/ws")) == nil)
        let all = try ProxySettings.resolve(explicit: nil, environment: ["ALL_PROXY": "http://all:1"])
        #expect(all.endpoint(for: try ServerURL(parsing: "wss://server/ws"))?.description == "http://all:1")
    }

    @Test func anExplicitProxyOverridesTheEnvironmentAndNoneTurnsItOff() throws {
        let environment = ["HTTPS_PROXY": "http://env:3128"]
        let url = try ServerURL(parsing: "wss://server/ws")
        #expect(try ProxySettings.resolve(explicit: "http://flag:9", environment: environment).endpoint(for: url)?.description == "http://flag:9")
        #expect(try ProxySettings.resolve(explicit: "none", environment: environment).endpoint(for: url) == nil)
        #expect(try ProxySettings.resolve(explicit: "proxy.example", environment: [:]).endpoint(for: url)?.description == "http://proxy.example:1080")
    }

    @Test(arguments: [
        ("*", "anything.example", 443, true),
        ("example.com", "example.com", 443, true),
        ("example.com", "api.example.com", 443, true),
        (".example.com", "api.example.com", 443, true),
        ("example.com", "notexample.com", 443, false),
        ("10.0.0.0/8", "10.1.2.3", 8080, true),
        ("10.0.0.0/8", "11.1.2.3", 8080, false),
        ("127.0.0.1", "127.0.0.1", 8080, true),
        ("server:8080", "server", 8080, true),
        ("server:8080", "server", 443, false),
        ("[::1]", "::1", 8080, true),
        ("other, EXAMPLE.com", "Example.COM", 443, true),
    ])
    func noProxyFollowsCurl(entry: String, host: String, port: Int, bypassed: Bool) throws {
        let settings = try ProxySettings.resolve(explicit: nil, environment: ["HTTP_PROXY": "http://p:1", "NO_PROXY": entry])
        #expect(settings.bypasses(host: host, port: port) == bypassed, "\(entry) for \(host):\(port)")
    }

    @Test(arguments: [
        ("https://proxy:443", "https://"),
        ("socks5://proxy:1080", "not supported"),
        ("http://proxy:99999", "port"),
        ("http://us%zzer:pw@proxy:3128", "percent-encoding"),
        ("http://proxy:3128/path", "no path"),
    ])
    func aProxyAddressThatCannotBeUsedIsRefusedWithTheReason(text: String, expected: String) {
        #expect(throws: ProxyError.self) { try ProxySettings.resolve(explicit: nil, environment: ["https_proxy": text]) }
        do {
            _ = try ProxySettings.resolve(explicit: nil, environment: ["https_proxy": text])
        } catch {
            #expect(error.message.hasPrefix("https_proxy: ") && error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func proxyCredentialsAreSecretsAndNeverInTheDescription() throws {
        let endpoint = try ProxyEndpoint.parse("http://alice:s3cr%40t-proxy@proxy.example:3128")
        #expect(endpoint.description == "http://proxy.example:3128")
        #expect(endpoint.hasCredentials)
        let basic = String(decoding: Base64.encode(Array("alice:s3cr@t-proxy".utf8)), as: UTF8.self)
        let echoed = Sanitizer.clean("proxy said: s3cr@t-proxy and \(basic)", limit: 200)
        #expect(!echoed.contains("s3cr@t-proxy") && !echoed.contains(basic), "\(echoed)")
    }
}

/// Through a real CONNECT proxy on loopback, for `ws://` and `wss://`, the WebSocket and REST alike.
@Suite(.serialized)
struct ProxyTests {
    static func proxyURL(_ port: Int, userInfo: String = "") -> String { "http://\(userInfo)127.0.0.1:\(port)" }

    @Test func aWebSocketAndItsRESTCallsGoThroughTheProxyFromTheEnvironment() throws {
        let proxy = TestProxy()
        let proxyPort = try proxy.start()
        defer { proxy.stop() }
        let (server, url) = try startServer(.real, rate: 50)
        defer { server.stop() }
        server.generate(30)
        let settings = try ProxySettings.resolve(explicit: nil, environment: ["http_proxy": Self.proxyURL(proxyPort), "NO_PROXY": "other.example"])
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [Step(name: "open, with history over REST", until: { $0.servers[0].connection.phase == .open && ($0.servers[0].rest.historyLoaded ?? 0) > 0 })],
            configure: { $0.historyOnStart = 10 },
            clientOptions: WebSocketClient.Options(proxy: settings))
        #expect(state.servers[0].connection.everOpened)
        let target = "127.0.0.1:\(try ServerURL(parsing: url).port)"
        #expect(proxy.tunnels.filter { $0 == target }.count >= 2, "the WebSocket and at least one REST call: \(proxy.tunnels)")
    }

    @Test func noProxyConnectsDirectly() throws {
        let proxy = TestProxy()
        let proxyPort = try proxy.start()
        defer { proxy.stop() }
        let (server, url) = try startServer(.real, rate: 50)
        defer { server.stop() }
        let settings = try ProxySettings.resolve(explicit: nil, environment: ["HTTP_PROXY": Self.proxyURL(proxyPort), "NO_PROXY": "localhost,127.0.0.1"])
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [Step(name: "open and data", until: { $0.servers[0].connection.phase == .open && !$0.feed.drifts.isEmpty })],
            clientOptions: WebSocketClient.Options(proxy: settings))
        #expect(state.servers[0].connection.everOpened)
        #expect(proxy.tunnels.isEmpty, "NO_PROXY names the server: \(proxy.tunnels)")
    }

    /// The issue's "done when": behind a proxy, a TLS server with a private CA, and a token.
    @Test func wssGoesThroughTheProxyWithThePrivateCAAndAToken() throws {
        let proxy = TestProxy()
        let proxyPort = try proxy.start()
        defer { proxy.stop() }
        let certificates = try TestCertificates()
        var options = SimulatorOptions(port: 0, dialect: .real, rate: 50)
        options.tlsCertificate = certificates.path("server.pem")
        options.tlsKey = certificates.path("server.key")
        let token = "proxied-token-\(UInt64.random(in: 0...UInt64.max))"
        options.requiredToken = token
        let server = DemoServer(options: options)
        let port = try server.start()
        defer { server.stop() }
        server.generate(20)
        let settings = try ProxySettings.resolve(explicit: nil, environment: ["HTTPS_PROXY": Self.proxyURL(proxyPort)])
        let state = runScenario(
            url: "wss://localhost:\(port)/ws", topics: [.drifts],
            steps: [Step(name: "open, with history over https", until: { $0.servers[0].connection.phase == .open && ($0.servers[0].rest.historyLoaded ?? 0) > 0 })],
            configure: { $0.historyOnStart = 10 },
            clientOptions: WebSocketClient.Options(
                headers: [("Authorization", "Bearer \(token)")], tls: TLSOptions(caFile: certificates.path("ca.pem")), proxy: settings))
        #expect(state.servers[0].connection.everOpened)
        #expect(proxy.tunnels.filter { $0 == "localhost:\(port)" }.count >= 2, "\(proxy.tunnels)")
    }

    @Test func aProxyThatWantsCredentialsStopsWithAdviceAndAcceptsThemFromTheURL() throws {
        // `alice:pr0xy-pa@ss`, percent-encoded in the URL as a user would write it.
        let proxy = TestProxy(credentials: "Basic YWxpY2U6cHIweHktcGFAc3M=")
        let proxyPort = try proxy.start()
        defer { proxy.stop() }
        let (server, url) = try startServer(.real, rate: 50)
        defer { server.stop() }
        let refused = runScenario(
            url: url, topics: [.drifts],
            steps: [
                Step(name: "stopped by the proxy", until: { if case .stopped(.proxy) = $0.servers[0].connection.phase { true } else { false } }),
                Step(name: "a while later", until: { $0.now - $0.startedAt >= 1 }),
            ],
            clientOptions: WebSocketClient.Options(proxy: try ProxySettings.resolve(explicit: Self.proxyURL(proxyPort), environment: [:])))
        guard case .stopped(.proxy(let advice)) = refused.servers[0].connection.phase else { Issue.record("not stopped"); return }
        #expect(advice.contains("407") && advice.contains("wants credentials") && advice.contains("http://127.0.0.1:\(proxyPort)"), "\(advice)")
        #expect(refused.servers[0].connection.generation == 1, "no automatic retries")

        let withCredentials = try ProxySettings.resolve(explicit: Self.proxyURL(proxyPort, userInfo: "alice:pr0xy-pa%40ss@"), environment: [:])
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [Step(name: "open and data", until: { $0.servers[0].connection.phase == .open && !$0.feed.drifts.isEmpty })],
            clientOptions: WebSocketClient.Options(proxy: withCredentials))
        #expect(state.servers[0].connection.everOpened)
        #expect(Sanitizer.clean("echo pr0xy-pa@ss", limit: 100) == "echo <redacted>")
    }

    @Test func aProxyThatIsDownIsNamedAndRetried() throws {
        let proxy = TestProxy()
        let proxyPort = try proxy.start()
        proxy.stop()
        let settings = try ProxySettings.resolve(explicit: Self.proxyURL(proxyPort), environment: [:])
        let state = runScenario(
            url: "ws://127.0.0.1:9/ws", topics: [.drifts],
            steps: [Step(name: "second attempt failed", until: { $0.servers[0].connection.attempt >= 2 })],
            configure: { $0.backoff = BackoffPolicy(base: 0.05, cap: 0.1) },
            clientOptions: WebSocketClient.Options(proxy: settings))
        let reason = state.servers[0].connection.lastCloseReason ?? ""
        #expect(reason.hasPrefix("cannot connect to the proxy http://127.0.0.1:\(proxyPort)"), "\(reason)")
    }
}
