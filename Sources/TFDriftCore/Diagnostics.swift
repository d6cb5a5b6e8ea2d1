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

    /// What went wrong, as data: the view words it (`Wording.problem`) for the screen, `tail` and the log alike.
    /// Texts inside are already sanitised, one line each.
    public enum Kind: Sendable, Equatable {
        /// A line that was not valid JSON or not a message: what the decoder said, and an excerpt.
        case malformedMessage(String)
        /// A stats message with a field that cannot be believed.
        case malformedStats(String)
        case unknownMessageType(String)
        /// The server's own `error` reply.
        case serverError(String)
        /// The server acknowledged `what` (a subscription, an unsubscription) the client never asked for.
        case unaskedAcknowledgement(what: String, topic: String)
        /// The server says it cannot see: its failing readiness checks in words (empty: only "degraded").
        case serverBlind(failing: String)
        case serverSeesAgain(status: String)
        /// A REST call that failed: its path and why (HTTP status, TLS, proxy, timeout).
        case restFailed(path: String, reason: String)
        /// A REST body that parsed but cannot be believed.
        case restUnbelievable(path: String, why: String)
        /// A connection that failed or ended, with the network layer's reason.
        case linkLost(String)
        /// A client message that could not be sent.
        case sendFailed(what: String, reason: String)
        /// The configuration file, the environment or a theme file (worded with its file and line).
        case configuration(String)
    }

    public var at: Double
    public var kind: Kind
    /// The server it came from, when there are several (the wording names it).
    public var server: Int?

    public init(at: Double, _ kind: Kind, server: Int? = nil) {
        self.at = at
        self.kind = kind
        self.server = server
    }

    public var source: Source {
        switch kind {
        case .malformedMessage, .malformedStats, .unknownMessageType: .decode
        case .serverError, .unaskedAcknowledgement, .serverBlind, .serverSeesAgain: .server
        case .restFailed, .restUnbelievable: .rest
        case .linkLost: .connection
        case .sendFailed: .send
        case .configuration: .config
        }
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
    /// The last problem the status bar shows (not every problem is: some are kept for the problems view only).
    public var lastError: Problem?

    public init() {}

    /// Settings or theme entries that were not understood (and were ignored).
    public var configProblems = 0

    public var errorCount: Int { malformed + serverErrors + sendFailures + configProblems }
}
