import ArgumentParser
import TFDriftCore
import TFDriftSimulator
import TFDriftNetwork
import TFDriftWire

/// Options shared by the dashboard and `tail`.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "WebSocket address of the TFDrift-Falco server (ws:// or wss://).")
    var url: String = "ws://localhost:8080/ws"

    @Option(name: .long, help: "Comma-separated topics to subscribe to: all, drifts, events, state, stats.")
    var topics: String = "drifts,events,state,stats"

    @Option(name: .long, help: "Stop retrying after this many failed attempts in a row (default: retry for ever).")
    var maxRetries: Int?

    @Option(name: .long, help: "Items kept per pane; older ones are dropped so memory stays flat.")
    var history: Int = 10_000

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp(
        "Extra request header for the upgrade and REST calls, e.g. 'Authorization: Bearer TOKEN' (repeatable).",
        valueName: "NAME: VALUE"))
    var header: [String] = []

    @Option(name: .long, help: "Provider filter sent after every (re)connect, e.g. aws (real server only).")
    var provider: String?

    @Option(name: .long, help: "Seconds without any frame before the connection is declared dead.")
    var watchdog: Double = 65

    @Flag(name: .long, help: "Do not use the REST API (no backfill, stats polling or polling fallback).")
    var noRest = false

    @Option(name: .long, help: "Drifts to load from /api/v1/drifts when the dashboard starts (and after a server restart); 0 turns it off.")
    var historyOnStart: Int = 500

    @Option(name: .long, help: "Show only what matches, e.g. 'sev:high+ type:aws_iam* -user:bot' (the / filter's grammar).")
    var filter: String?

    @Option(name: .long, help: "Longest wait between reconnect attempts, in seconds (backoff doubles up to this).")
    var backoffMax: Double = 30

    @Option(name: .long, help: "Longest Retry-After honoured, in seconds; a server asking for more is waited for this long.")
    var maxRetryAfter: Double = 3600

    func validate() throws {
        _ = try parsedTopics()
        if history < 1 { throw ValidationError("--history must be at least 1") }
        if let maxRetries, maxRetries < 0 { throw ValidationError("--max-retries cannot be negative") }
        if !(watchdog >= 1) { throw ValidationError("--watchdog must be at least 1 second") }
        if historyOnStart < 0 || historyOnStart > 100_000 { throw ValidationError("--history-on-start must be from 0 to 100000") }
        if let filter {
            if let bad = Filter(filter).invalidTerms.first { throw ValidationError("--filter: '\(bad.text)': \(bad.problem ?? "not understood")") }
        }
        if !(backoffMax >= 0.01 && backoffMax <= 86_400) { throw ValidationError("--backoff-max must be from 0.01 to 86400 seconds") }
        if !(maxRetryAfter >= 0 && maxRetryAfter <= 86_400) { throw ValidationError("--max-retry-after must be from 0 to 86400 seconds") }
        _ = try headers()
        if let provider, provider.utf8.count > 200 { throw ValidationError("--provider is too long for the server's 512-byte message limit") }
    }

    /// `Name: value` pairs; a header that would break the request line is refused, not sent.
    func headers() throws -> [(String, String)] {
        try header.map { text in
            guard let colon = text.firstIndex(of: ":") else {
                throw ValidationError("--header must look like 'Name: value', got '\(text)'")
            }
            let name = trimmed(text[..<colon])
            let value = trimmed(text[text.index(after: colon)...])
            guard !name.isEmpty, !name.contains(" "), !(name + value).contains(where: { $0 == "\r" || $0 == "\n" }) else {
                throw ValidationError("--header '\(text)' is not a valid header")
            }
            return (name, value)
        }
    }

    private func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    func clientOptions(backlog: @escaping @Sendable () -> Int) throws -> WebSocketClient.Options {
        WebSocketClient.Options(headers: try headers(), backlog: backlog)
    }

    func parsedTopics() throws -> Set<Topic> {
        do {
            return try Topic.parseList(topics)
        } catch {
            throw ValidationError("--topics: \(error.description)")
        }
    }

    func validatedURL(_ text: String) throws -> String {
        do {
            _ = try ServerURL(parsing: text)
            return text
        } catch {
            throw ValidationError("--url: \(error.description)")
        }
    }

    /// The initial state: settings, topics, and `--filter` as every pane's filter.
    func initialState(url: String) throws -> State {
        var state = State(settings: settings(url: url), topics: try parsedTopics())
        if let filter, !filter.isEmpty {
            for pane in Pane.allCases where pane != .stats { state.ui.filters[pane] = Filter(filter) }
        }
        return state
    }

    func settings(url: String) -> Settings {
        Settings(
            url: url, historyLimit: history, backoff: BackoffPolicy(base: min(1, backoffMax), cap: backoffMax), maxRetries: maxRetries,
            watchdog: watchdog, provider: provider, restEnabled: !noRest, maximumRetryAfter: maxRetryAfter,
            historyOnStart: historyOnStart)
    }
}

/// Options for the embedded simulator, shared by `--demo` and `demo-server`.
struct SimulatorArguments: ParsableArguments {
    @Option(name: .long, help: "Protocol the simulator speaks: real (TFDrift-Falco 0.14 as it behaves) or documented.")
    var dialect: DialectArgument = .real

    @Option(name: .long, help: "Events generated per second (fractions allowed; 100000+ for a flood).")
    var rate: Double = 5

    @Flag(name: .long, help: "Serve no Terraform state (/api/v1/state answers 404, as a server started without one).")
    var noTerraformState = false

    /// The simulator these arguments describe.
    func options(host: String = "127.0.0.1", port: Int = 0) -> SimulatorOptions {
        var options = SimulatorOptions(host: host, port: port, dialect: dialect.dialect, rate: rate)
        options.terraformState = !noTerraformState
        return options
    }

    func validate() throws {
        if !(rate >= 0) || rate > 5_000_000 { throw ValidationError("--rate must be between 0 and 5000000") }
    }
}

enum DialectArgument: String, ExpressibleByArgument, CaseIterable {
    case real, documented
    var dialect: Dialect { self == .real ? .real : .documented }
}
