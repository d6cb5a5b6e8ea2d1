import ArgumentParser
import TFDriftCore
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

    func validate() throws {
        _ = try parsedTopics()
        if history < 1 { throw ValidationError("--history must be at least 1") }
        if let maxRetries, maxRetries < 0 { throw ValidationError("--max-retries cannot be negative") }
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

    func settings(url: String) -> Settings {
        Settings(url: url, historyLimit: history, maxRetries: maxRetries)
    }
}

/// Options for the embedded simulator, shared by `--demo` and `demo-server`.
struct SimulatorArguments: ParsableArguments {
    @Option(name: .long, help: "Protocol the simulator speaks: real (TFDrift-Falco 0.14 as it behaves) or documented.")
    var dialect: DialectArgument = .real

    @Option(name: .long, help: "Events generated per second (fractions allowed; 100000+ for a flood).")
    var rate: Double = 5

    func validate() throws {
        if !(rate >= 0) || rate > 5_000_000 { throw ValidationError("--rate must be between 0 and 5000000") }
    }
}

enum DialectArgument: String, ExpressibleByArgument, CaseIterable {
    case real, documented
    var dialect: Dialect { self == .real ? .real : .documented }
}
