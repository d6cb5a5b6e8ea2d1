import Logging
import TFDriftCore
import TFDriftView
import TFDriftWire

/// What `--log-file` records from the store: connection changes (with the close reason) and every new problem.
/// REST calls are logged where their status and latency are known, in the network layer.
enum EventLog {
    static func record(_ logger: Logger, previous: [ConnectionState], problemsBefore: Int, state: State) {
        for (index, server) in state.servers.enumerated() where previous.indices.contains(index) {
            // With several servers every line says whose link it is.
            var each = logger
            if state.isMultiServer { each[metadataKey: "server"] = "\(state.serverName(index))" }
            record(each, server.connection, previous: previous[index], state: state)
        }
        let problems = state.diagnostics.problems
        for seq in max(problemsBefore, problems.oldestSeq ?? problemsBefore)..<problems.nextSeq {
            // Failed connections are logged as connection changes, with their reason.
            guard let problem = problems[seq], problem.source != .connection else { continue }
            logger.warning("problem", metadata: ["source": "\(problem.source.rawValue)", "message": "\(Wording.problem(problem, serverName: state.serverName))"])
        }
    }

    static func record(_ logger: Logger, _ connection: ConnectionState, previous: ConnectionState, state: State) {
        if connection.phase != previous.phase || connection.generation != previous.generation {
            let reason: Logger.MetadataValue = "\(connection.lastCloseReason ?? "")"
            // The phase's name is the line's message, as `tail` and the screen say it.
            let phase = Logger.Message(stringLiteral: LinkWords.name(connection.phase))
            switch connection.phase {
            case .idle:
                break
            case .connecting:
                logger.info(phase, metadata: ["url": "\(connection.url)", "attempt": "\(connection.attempt)"])
            case .open:
                logger.info(phase, metadata: ["url": "\(connection.url)"])
            case .backingOff(let until):
                let wait = Checked.clamped((until - state.now) * 1000, to: 0...86_400_000)
                logger.warning(phase, metadata: ["reason": reason, "attempt": "\(connection.attempt)", "wait_ms": "\(wait)"])
            case .stopped(let why):
                logger.error(phase, metadata: ["why": "\(EventLog.name(why))", "reason": reason])
            }
        }
        if let dialect = connection.dialect, dialect != previous.dialect {
            logger.info("server", metadata: ["dialect": "\(dialect)", "version": "\(connection.serverVersion)"])
        }
    }

    /// The last line of a session: how long it ran, how much arrived and how often the screen was drawn (a
    /// flood that outruns the screen shows as few frames for many messages).
    static func summary(_ logger: Logger, frames: Int, frameCost: Double, seconds: Double, state: State) {
        let messages = state.diagnostics.messagesReceived
        let elapsed = max(seconds, 0.001)
        logger.info("session ended", metadata: [
            "seconds": "\(String(format3: elapsed))", "messages": "\(messages)", "frames": "\(frames)",
            "frames_per_second": "\(String(format3: Double(frames) / elapsed))", "frame_ms": "\(String(format3: frameCost * 1000))",
        ])
    }

    static func name(_ reason: StopReason) -> String {
        switch reason {
        case .unauthorized: "unauthorized (401)"
        case .forbidden: "forbidden (403)"
        case .certificate: "certificate"
        case .proxy: "proxy"
        case .gaveUp: "gave up"
        }
    }
}

extension String {
    /// Three decimals without Foundation's formatter: a log value, never outside data.
    init(format3 value: Double) {
        let thousandths = Checked.clamped((value * 1000).rounded(), to: 0...Int(Int32.max))
        let fraction = String(thousandths % 1000)
        self = "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
