import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import TFDriftCore
import TFDriftNetwork
import TFDriftRuntime

struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print events, control replies and connection changes as lines (for scripts, `| jq`, and tests).",
        discussion: """
            NDJSON lines carry a `kind`: event, control, connection, gap, error, and a last summary line. \
            Exit status: 0 when it ended (--count, --duration, a signal) having reached a server over the WebSocket \
            or its REST API (polling counts); 1 when no server could be reached or read, or a replayed recording \
            is damaged (after printing everything up to the damage); 3 when every server refused this client's \
            configuration (HTTP 401/403 credentials, a certificate, a proxy), so retrying cannot help.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var recording: RecordOptions

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "Print a recording instead of connecting, as fast as possible; rotated parts follow in order (FILE FILE.1 …).", valueName: "FILE"), completion: .file())
    var replay: [String] = []

    @Option(name: .long, help: "With --replay: play at this many times the recorded speed instead of as fast as possible.")
    var speed: Double?

    @Option(name: .long, help: "Output format: ndjson or text.")
    var format: TailFormat = .ndjson

    @Option(name: .long, help: "Exit after this many events.")
    var count: Int?

    @Option(name: .long, help: "Exit after this many seconds.")
    var duration: Double?

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
    }

    func run() throws {
        if !replay.isEmpty { return try runReplay() }
        let servers = try LiveServer.all(connection, try connection.configuration())
        let inbox = Inbox()
        SignalTrap.install(wakingFD: inbox.writeFD)
        // tail prints fields; the raw lines are for the dashboard's detail view.
        let run = try ConnectionSettings.live(servers, inbox: inbox, recording: recording, keepsRawLines: false)
        defer { for client in run.clients { client.shutdown() } }
        let frontend = TailFrontend(format: format, count: count, duration: duration)
        let final = Runtime(state: run.state, inbox: inbox, clients: run.clients, frontend: frontend, logger: run.logger, recorder: run.recorder).run()
        frontend.finish(state: final)
        if let problem = run.recorder?.failure { Console.print("tfdrift-tui: \(problem)", to: STDERR_FILENO) }
        // Data by polling is data: only a run that reached no server, neither way, fails; the lines said what
        // happened to each.
        guard !final.servers.contains(where: { $0.connection.everOpened || $0.rest.everAnswered }) else { return }
        for (index, server) in final.servers.enumerated() {
            let reason = server.connection.lastCloseReason ?? "no answer"
            let name = final.isMultiServer ? " (\(final.serverName(index)))" : ""
            Console.print("tfdrift-tui: could not connect to \(server.settings.url)\(name): \(reason)", to: STDERR_FILENO)
        }
        throw ExitCode(TailCommand.refusedConfiguration(final) ? 3 : 1)
    }

    /// Every server stopped retrying because of how this client is set up (credentials, certificate, proxy).
    static func refusedConfiguration(_ state: State) -> Bool {
        state.servers.allSatisfy { server in
            guard case .stopped(let reason) = server.connection.phase else { return false }
            switch reason {
            case .unauthorized, .forbidden, .certificate, .proxy: return true
            case .gaveUp: return false
            }
        }
    }

    /// `--replay`: the recorded run's lines, through the same decode → reduce path, no socket.
    func runReplay() throws {
        if let speed, !(speed > 0) { throw ValidationError("--speed must be positive") }
        let recording: Recording
        switch Recording.load(replay) {
        case .success(let loaded): recording = loaded
        case .failure(let error): throw RuntimeFailure("--replay: \(error.reason)")
        }
        let frontend = TailFrontend(format: format, count: count, duration: duration)
        let (final, stoppedAt) = try ReplaySource.play(recording, into: frontend, speed: speed, filter: connection.filter)
        frontend.finish(state: final)
        if let stopped = stoppedAt {
            Console.print("tfdrift-tui: replay stopped at \(stopped)", to: STDERR_FILENO)
            throw ExitCode(1)
        }
    }
}

enum TailFormat: String, ExpressibleByArgument, CaseIterable {
    case ndjson, text
}

/// Unbuffered writes straight to a descriptor (stdio's globals are not concurrency-safe in Swift 6).
enum Console {
    static func write(_ bytes: [UInt8], to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { if errno == EINTR { continue } else { return } }
            offset += n
        }
    }

    /// One line of text for a terminal: sanitised here, whatever it holds, so no server text can act on it.
    static func print(_ text: String, to fd: Int32 = STDOUT_FILENO) {
        write(Array((Sanitizer.clean(text, limit: 1 << 20) + "\n").utf8), to: fd)
    }
}
