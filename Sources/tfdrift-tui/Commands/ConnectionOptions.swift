import ArgumentParser
import Logging
#if canImport(Glibc)
import Glibc
#endif
import TFDriftConfig
import TFDriftCore
import TFDriftSimulator
import TFDriftNetwork
import TFDriftRuntime
import TFDriftWire

/// Options shared by the dashboard, `tail` and `config`. Every one is optional here: what is not given comes from
/// `TFDRIFT_*` variables, the configuration file or the default, in that order (`Configuration`).
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp(
        "WebSocket address of the TFDrift-Falco server (ws:// or wss://; default ws://localhost:8080/ws). Repeat it, best with a name, to watch several servers: --url prod=wss://… --url staging=ws://….",
        valueName: "[NAME=]URL"), completion: .custom { _, _, prefix in Completions.servers().filter { $0.hasPrefix(prefix) } })
    var url: [String] = []

    @Option(name: .long, help: "Comma-separated topics to subscribe to: all, drifts, events, state, stats (default: all four).", completion: .list(["all", "drifts", "events", "state", "stats"]))
    var topics: String?

    @Option(name: .long, help: "Stop retrying after this many failed attempts in a row (default: retry for ever).")
    var maxRetries: String?

    @Option(name: .long, help: "Items kept per pane; older ones are dropped so memory stays flat (default 10000).")
    var history: String?

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp(
        "Extra request header for the upgrade and REST calls, e.g. 'Authorization: Bearer TOKEN' (repeatable).",
        valueName: "NAME: VALUE"))
    var header: [String] = []

    @Option(name: .long, help: "PEM file of the CA(s) to trust for wss:// and https:// (a private CA), besides the system's.", completion: .file())
    var caFile: String?

    @Option(name: .long, help: "PEM client certificate for mutual TLS (with --client-key).", completion: .file())
    var clientCert: String?

    @Option(name: .long, help: "PEM private key of --client-cert.", completion: .file())
    var clientKey: String?

    @Flag(name: .long, help: "Do not verify the server's certificate (for a test only; the screen says TLS NOT VERIFIED).")
    var insecure = false

    @Option(name: .long, help: "HTTP proxy for ws:// and wss:// (CONNECT): http://[user:password@]host:port, or none (default: HTTPS_PROXY / HTTP_PROXY, except NO_PROXY hosts).")
    var proxy: String?

    @Option(name: .long, help: "File holding the token for the server (sent on the upgrade and every REST call); never a token on the command line.", completion: .file())
    var tokenFile: String?

    @Option(name: .long, help: "How the token is sent: bearer (Authorization: Bearer …, default) or x-api-key (X-API-Key: …).", completion: .list(["bearer", "x-api-key"]))
    var authScheme: String?

    @Option(name: .long, help: "An Origin header for servers that check it, e.g. http://localhost (none by default).")
    var origin: String?

    @Option(name: .long, help: "Append a JSON-lines log to this file (owner-only): connection changes, problems, REST calls with status and latency; secrets redacted.", completion: .file())
    var logFile: String?

    @Option(name: .long, help: "Provider filter sent after every (re)connect, e.g. aws (real server only).")
    var provider: String?

    @Option(name: .long, help: "Silence (no frame at all) before the connection is declared dead: 65, 65s, 2m (default 65s).")
    var watchdog: String?

    @Option(name: .long, help: "How often the server's readiness (/health: is Falco connected?) is read: 30, 30s, 1m (default 30s).")
    var healthInterval: String?

    @Flag(name: .long, help: "Do not use the REST API (no backfill, stats polling or polling fallback).")
    var noRest = false

    @Option(name: .long, help: "Drifts to load from /api/v1/drifts when the dashboard starts (and after a server restart); 0 turns it off (default 500).")
    var historyOnStart: String?

    @Option(name: .long, help: "Show only what matches, e.g. 'sev:high+ type:aws_iam* -user:bot' (the / filter's grammar).")
    var filter: String?

    @Option(name: .long, help: "Longest wait between reconnect attempts (backoff doubles up to this; default 30s).")
    var backoffMax: String?

    @Option(name: .long, help: "Longest Retry-After honoured; a server asking for more is waited for this long (default 1h).")
    var maxRetryAfter: String?

    @Option(name: .long, help: "Read this configuration file instead of $XDG_CONFIG_HOME/tfdrift-tui/config.yaml.", completion: .file())
    var config: String?

    @Flag(name: .long, help: "Read no configuration file.")
    var noConfig = false

    /// What the command line set, checked by the same rules as the file and the environment.
    func flagValues() throws -> [String: ConfigValue] {
        var given: [String: String] = [:]
        // One address is the `url` setting; several are a list of servers (`servers(_:)`)
        // (with several, the first stands for them in `config`'s table; the `# server` lines list them all).
        if let first = url.first { given["url"] = ConnectionOptions.split(first).url }
        given["topics"] = topics
        given["max-retries"] = maxRetries
        given["history"] = history
        given["provider"] = provider
        given["token-file"] = tokenFile
        given["ca-file"] = caFile
        given["client-cert"] = clientCert
        given["client-key"] = clientKey
        if insecure { given["insecure"] = "true" }
        given["auth-scheme"] = authScheme
        given["origin"] = origin
        given["proxy"] = proxy
        given["log-file"] = logFile
        given["watchdog"] = watchdog
        given["health-interval"] = healthInterval
        given["history-on-start"] = historyOnStart
        given["filter"] = filter
        given["backoff-max"] = backoffMax
        given["max-retry-after"] = maxRetryAfter
        if noRest { given["no-rest"] = "true" }
        var values = try FlagValues.check(given)
        if !header.isEmpty {
            let value = ConfigValue.strings(header)
            if let why = ConfigKey.named("header")!.check(value) { throw ValidationError("--header: \(why)") }
            values["header"] = value
        }
        return values
    }

    /// `prod=wss://…` → ("prod", "wss://…"); a plain address has no name. A URL has `://` before any `=`, so a
    /// name is what precedes an `=` that no `:` or `/` precedes.
    static func split(_ text: String) -> (name: String?, url: String) {
        guard let equals = text.firstIndex(of: "="), !text[..<equals].contains(where: { $0 == ":" || $0 == "/" }) else { return (nil, text) }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// Every server to watch, each with the configuration it sees: the `--url`s, else `TFDRIFT_URL`, else the
    /// file's `servers:` list, else its `url` — the highest layer that names servers decides, as for any setting.
    /// Several servers without names are named after their hosts.
    func servers(_ config: Configuration) throws -> [(name: String, config: Configuration)] {
        var list: [(name: String, config: Configuration)]
        if !url.isEmpty {
            list = try url.map { text in
                let (name, address) = ConnectionOptions.split(text)
                if let name, let why = ServerName.problem(name) { throw ValidationError("--url: \(why)") }
                if case .failure(let error) = ConfigKey.named("url")!.value(fromText: address) {
                    throw ValidationError("--url: \(Sanitizer.clean(error.message, limit: 300))")
                }
                return (name ?? "", config.forURL(address, source: .flag("url")))
            }
        } else if case .environment? = config.sources["url"] {
            list = [("", config)]
        } else if !config.servers.isEmpty {
            list = config.servers.map { ($0.name, config.forServer($0)) }
        } else {
            list = [("", config)]
        }
        guard list.count > 1 else { return list }
        var taken = Set(list.map(\.name).filter { !$0.isEmpty })
        if taken.count < list.filter({ !$0.name.isEmpty }).count { throw ValidationError("--url: two servers have the same name") }
        for index in list.indices where list[index].name.isEmpty {
            let host = ServerName.fallback(forURL: list[index].config.value("url")?.string ?? "")
            var name = host
            var n = 2
            while taken.contains(name) {
                name = String(host.prefix(ServerName.maximumLength - 3)) + "-\(n)"
                n += 1
            }
            taken.insert(name)
            list[index].name = name
        }
        return list
    }

    /// The effective configuration: defaults < file < environment < flags. An explicit `--config` that cannot be
    /// read stops the program; the default file may be missing.
    /// - Parameter reportingOnly: for `config` and `doctor`, which show a file that cannot be read instead of
    ///   stopping on it.
    func configuration(extraFlags: [String: ConfigValue] = [:], reportingOnly: Bool = false) throws -> Configuration {
        let environment = Environment.current()
        var file: (path: String, text: String)?
        if !noConfig {
            if let config {
                switch TextFile.contents(of: config) {
                case .success(let text): file = (config, text)
                case .failure(let problem): throw RuntimeFailure("--config: \(problem)")
                }
            } else if let path = Configuration.defaultFile(environment: environment), TextFile.stamp(path) != nil {
                switch TextFile.contents(of: path) {
                case .success(let text): file = (path, text)
                case .failure(let problem): Console.print("tfdrift-tui: \(problem)", to: STDERR_FILENO)
                }
            }
        }
        let config = Configuration.resolve(file: file, environment: environment, flags: try flagValues().merging(extraFlags) { $1 })
        if let unreadable = config.unreadable, !reportingOnly {
            // Running on the defaults (localhost:8080) instead of the file the user wrote would be a silent surprise.
            throw RuntimeFailure("\(unreadable.description) — fix the file, or start without it with --no-config")
        }
        return config
    }
}

/// The resolved connection settings, from a `Configuration`.
struct ConnectionSettings {
    let config: Configuration
    let credentials: Credentials
    let proxy: ProxySettings

    /// Reads the token (a token file that cannot be read stops the program with the reason) and the proxy (a
    /// proxy address that cannot be used stops it too: connecting around a proxy the user named would be wrong).
    init(config: Configuration, environment: [String: String] = Environment.current()) throws {
        self.config = config
        switch Credentials.resolve(config) {
        case .success(let credentials): self.credentials = credentials
        case .failure(let problem): throw RuntimeFailure("token: \(problem)")
        }
        let explicitProxy = config.value("proxy")?.string
        if let explicitProxy, explicitProxy.contains("@"), let source = config.sources["proxy"] {
            switch source {
            case .flag, .file:
                // Like a token: a password on the command line is in `ps` and shell history.
                throw ValidationError("proxy (\(source)): no credentials here; put the URL with them in HTTPS_PROXY, HTTP_PROXY or TFDRIFT_PROXY")
            case .environment, .builtIn:
                break
            }
        }
        do {
            let source = config.sources["proxy"].map { "\($0)" } ?? "--proxy"
            proxy = try ProxySettings.resolve(explicit: explicitProxy, explicitSource: source, environment: environment)
        } catch {
            throw ValidationError("proxy: \(error.message)")
        }
    }

    var url: String { config.value("url")?.string ?? "ws://localhost:8080/ws" }

    /// How `url` is reached, for `config`: the proxy (never its credentials) and where it came from, or direct.
    var proxyDescription: String {
        guard let route = try? ServerURL(parsing: url) else { return "direct" }
        guard let endpoint = proxy.endpoint(for: route) else {
            return (route.secure ? proxy.secure : proxy.plain) == nil ? "direct" : "direct (NO_PROXY names \(route.host))"
        }
        return "\(endpoint) for \(route.host)" + (proxy.sources.isEmpty ? "" : " (\(proxy.sources.joined(separator: ", ")))")
    }

    /// `--header`s, the token's header and `--origin`, on the upgrade and on every REST call.
    var headers: [(String, String)] {
        var headers = (config.value("header")?.strings ?? []).compactMap(ConfigKey.headerPair)
        if let token = credentials.header { headers.append((token.name, token.value)) }
        if let origin = config.value("origin")?.string { headers.append(("Origin", origin)) }
        return headers
    }

    /// What a live run (dashboard or `tail`) connects with: the log, the recorder, the initial state and one
    /// client per server delivering into `inbox` (messages undecoded while recording, so they are recorded as
    /// received; with several servers each client addresses what it delivers to its server). `keepsRawLines:
    /// false` (tail) leaves out the cleaned lines the dashboard's detail view shows, from decoding on.
    static func live(_ servers: [LiveServer], inbox: Inbox, recording: RecordOptions, keepsRawLines: Bool = true) throws -> LiveRun {
        let logger = try servers[0].settings.openLog(url: servers.map(\.url).joined(separator: " "))
        var state = initialState(servers)
        state.feed.keepsRawLines = keepsRawLines
        let recorder = try recording.recorder(state: state, startedAt: SystemClock.now())
        let clients = inbox.clients(for: state) { index in
            var log = logger
            if state.isMultiServer { log?[metadataKey: "server"] = "\(state.serverName(index))" }
            var options = servers[index].settings.clientOptions(backlog: { inbox.backlog }, logger: log)
            options.rawFrames = recorder != nil
            options.keepsRawLines = keepsRawLines
            return options
        }
        return LiveRun(state: state, clients: clients, logger: logger, recorder: recorder)
    }

    /// The initial state: each server's settings and topics (a single server keeps no name, as it shows none),
    /// `filter` as every pane's filter, and what was wrong with the configuration and the token files as problems
    /// the status bar and `tail` show.
    static func initialState(_ servers: [LiveServer]) -> State {
        var state = State(servers: servers.map { server in
            ServerState(name: servers.count > 1 ? server.name : "", settings: server.settings.settings(url: server.url), topics: server.settings.topics)
        })
        let shared = servers[0].settings.config
        if let filter = shared.value("filter")?.string { state.ui.filterEveryPane(filter) }
        for problem in shared.problems + LiveServer.credentialWarnings(servers) { state.noteConfigurationProblem(problem.shortDescription) }
        return state
    }

    func clientOptions(backlog: @escaping @Sendable () -> Int, logger: Logger? = nil) -> WebSocketClient.Options {
        WebSocketClient.Options(headers: headers, backlog: backlog, tls: tls, proxy: proxy, logger: logger)
    }

    /// `--log-file`'s logger (nil without one), with a first line saying how this run connects: never a secret,
    /// only where each came from. A file that cannot be opened stops the program with the reason.
    func openLog(url: String) throws -> Logger? {
        guard let path = config.value("log-file")?.string else { return nil }
        switch LogFile.opening(path) {
        case .failure(let error): throw RuntimeFailure("--log-file: \(error.message)")
        case .success(let file):
            let logger = file.logger
            var metadata: Logger.Metadata = [
                "version": "\(BuildInfo.line)", "url": "\(url)", "credential": "\(credentials.description ?? "none")",
            ]
            if let route = try? ServerURL(parsing: url) {
                if route.secure { metadata["tls"] = "\(tls.insecure ? "not verified" : "verified")" }
                if let endpoint = proxy.endpoint(for: route) { metadata["proxy"] = "\(endpoint)" }
            }
            logger.info("started", metadata: metadata)
            return logger
        }
    }

    var tls: TLSOptions {
        TLSOptions(
            caFile: config.value("ca-file")?.string, clientCertificate: config.value("client-cert")?.string,
            clientKey: config.value("client-key")?.string, insecure: config.value("insecure")?.bool ?? false)
    }

    var topics: Set<Topic> { Set((config.value("topics")?.strings ?? []).compactMap { Topic(rawValue: $0.lowercased()) }) }

    func settings(url: String) -> Settings {
        let backoffMax = config.value("backoff-max")?.seconds ?? 30
        var settings = Settings(
            url: url, historyLimit: config.value("history")?.int ?? 10_000, backoff: BackoffPolicy(base: min(1, backoffMax), cap: backoffMax),
            maxRetries: config.value("max-retries")?.int, watchdog: config.value("watchdog")?.seconds ?? 65,
            provider: config.value("provider")?.string, restEnabled: !(config.value("no-rest")?.bool ?? false),
            maximumRetryAfter: config.value("max-retry-after")?.seconds ?? 3600, historyOnStart: config.value("history-on-start")?.int ?? 500)
        settings.healthInterval = config.value("health-interval")?.seconds ?? 30
        // In the war room a blind server must show within the time the room accepts for stale data (here, so a
        // reloaded configuration keeps it too).
        if config.value("kiosk")?.bool == true, let staleAfter = config.value("stale-after")?.seconds {
            settings.healthInterval = min(settings.healthInterval, staleAfter)
        }
        settings.credential = credentials.description
        settings.tlsUnverified = tls.insecure
        return settings
    }
}

/// One server of a live run: its name, the address it is reached at and the settings it connects with.
struct LiveServer {
    var name: String
    var url: String
    var settings: ConnectionSettings

    /// Every server the options and the configuration name (each one's token read, its proxy resolved).
    static func all(_ options: ConnectionOptions, _ config: Configuration) throws -> [LiveServer] {
        try options.servers(config).map { server in
            let settings = try ConnectionSettings(config: server.config)
            return LiveServer(name: server.name, url: settings.url, settings: settings)
        }
    }

    /// Every server's token-file warnings, once each (servers may share a token file).
    static func credentialWarnings(_ servers: [LiveServer]) -> [FileProblem] {
        var seen = Set<String>()
        return servers.flatMap(\.settings.credentials.warnings).filter { seen.insert($0.description).inserted }
    }
}

struct LiveRun {
    var state: State
    var clients: [WebSocketClient]
    var logger: Logger?
    var recorder: Recorder?
}

/// Flags given as text, read by the configuration keys' own rules; a bad one stops with `--name: why`.
enum FlagValues {
    static func check(_ given: [String: String]) throws -> [String: ConfigValue] {
        var values: [String: ConfigValue] = [:]
        for (name, text) in given {
            guard let key = ConfigKey.named(name) else { continue }
            switch key.value(fromText: text) {
            case .success(let value): values[name] = value
            case .failure(let error): throw ValidationError("--\(name): \(error.message)")
            }
        }
        return values
    }
}

/// The process environment, read without Foundation.
enum Environment {
    static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}

struct SimulatorArguments: ParsableArguments {
    @Option(name: .long, help: "Protocol the simulator speaks: real (TFDrift-Falco 0.14 as it behaves) or documented.")
    var dialect: DialectArgument = .real

    @Option(name: .long, help: "Events generated per second (fractions allowed; 100000+ for a flood).")
    var rate: Double = 5

    @Flag(name: .long, help: "Serve no Terraform state (/api/v1/state answers 404, as a server started without one).")
    var noTerraformState = false

    @Option(name: .long, help: "Share of drifts (0-1) that repeat a recent change word for word, as the real detector reports a change made again.")
    var repeatDrifts = 0.1

    /// The simulator these arguments describe.
    func options(host: String = "127.0.0.1", port: Int = 0) -> SimulatorOptions {
        var options = SimulatorOptions(host: host, port: port, dialect: dialect.dialect, rate: rate)
        options.terraformState = !noTerraformState
        options.driftRepeats = repeatDrifts
        return options
    }

    func validate() throws {
        if !(rate >= 0) || rate > 5_000_000 { throw ValidationError("--rate must be between 0 and 5000000") }
        if !(0...1).contains(repeatDrifts) { throw ValidationError("--repeat-drifts must be from 0 to 1") }
    }
}

enum DialectArgument: String, ExpressibleByArgument, CaseIterable {
    case real, documented
    var dialect: Dialect { self == .real ? .real : .documented }
}
