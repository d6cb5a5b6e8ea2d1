import TFDriftWire

/// Something that went wrong on the protocol level, kept for the operator (status bar, `tail` error lines).
public struct Problem: Sendable, Equatable {
    public enum Source: String, Sendable, Equatable {
        /// A line that was not valid JSON or not a message.
        case decode
        /// The server's own `error` reply.
        case server
        /// A REST call that failed (HTTP status, TLS, proxy), or a body that was malformed or had impossible numbers.
        case rest
        /// A connection that failed or ended: refused upgrade, TLS, proxy, a dead socket.
        case connection
        /// A client message that could not be sent.
        case send
        /// The configuration file, the environment or a theme file said something that was not understood.
        case config
    }

    public var at: Double
    public var source: Source
    /// Sanitised, one line.
    public var message: String
    /// The server it came from, when there are several (the message names it too).
    public var server: Int?

    public init(at: Double, source: Source, message: String, server: Int? = nil) {
        self.server = server
        self.at = at
        self.source = source
        self.message = message
    }
}

public struct Diagnostics: Sendable, Equatable {
    public static let problemsKept = 200

    /// The last problems, oldest first; `nextSeq` counts all of them.
    public var problems = History<Problem>(capacity: Diagnostics.problemsKept)
    public var messagesReceived = 0
    public var malformed = 0
    public var unknown = 0
    public var serverErrors = 0
    public var sendFailures = 0
    /// Client messages dropped from the full outbox while disconnected.
    public var outboxDropped = 0
    /// `subscribed` replies for topics the client never asked for, dropped.
    public var unrequestedAcks = 0
    /// One detection that reached the client both ways, shown once: live frames of list entries already shown,
    /// and list entries (history, backfill, polling) of live drifts already shown.
    public var mergedLive = 0
    public var mergedListed = 0
    /// Live drifts held for the list to place, then shown without it (the read failed, or the server restarted and
    /// lost the list): each may repeat an entry shown from the list just before.
    public var undecided = 0
    public var lastError: String?
    public var lastErrorAt: Double?

    public init() {}

    /// Settings or theme entries that were not understood (and were ignored).
    public var configProblems = 0

    public var errorCount: Int { malformed + serverErrors + sendFailures + configProblems }
}
