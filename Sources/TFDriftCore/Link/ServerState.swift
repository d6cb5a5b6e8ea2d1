import TFDriftWire

/// The server's Terraform state, as `/api/v1/state` describes it.
public struct TerraformStateSummary: Sendable, Equatable {
    public var lineage: String
    public var serial: Int?
    public var resourceCount: Int?
    public var terraformVersion: String

    public init(lineage: String, serial: Int?, resourceCount: Int?, terraformVersion: String) {
        self.lineage = lineage
        self.serial = serial
        self.resourceCount = resourceCount
        self.terraformVersion = terraformVersion
    }
}

public enum TerraformStateStatus: Sendable, Equatable {
    case loaded(TerraformStateSummary)
    /// 404: the server runs without Terraform state (or predates the endpoint).
    case notLoaded
    case failed(String)
}

public enum ConnectionPhase: Sendable, Equatable {
    case idle
    case connecting
    case open
    case backingOff(until: Double)
    /// No more automatic retries; the reason says what to fix (the view words it).
    case stopped(StopReason)
}

/// Why the client stopped retrying on its own.
public enum StopReason: Sendable, Equatable {
    /// HTTP 401 on the upgrade: credentials are missing or wrong; which one was sent (never its value).
    case unauthorized(credential: String?)
    /// HTTP 403 on the upgrade: credentials, or an Origin the server does not allow.
    case forbidden(credential: String?)
    /// The server's TLS certificate failed verification (the message says what to do).
    case certificate(String)
    /// The proxy refused the tunnel: credentials (407) or a destination it does not allow (403).
    case proxy(String)
    /// `--max-retries` failed attempts in a row; the last one's error.
    case gaveUp(retries: Int, lastError: String)
}

public struct ConnectionState: Sendable, Equatable {
    public var url: String
    public var phase: ConnectionPhase = .idle
    /// Increases with every socket; callbacks carrying an older generation are ignored.
    public var generation = 0
    /// Consecutive failed attempts since the connection was last healthy.
    public var attempt = 0
    public var dialect: Dialect?
    public var serverVersion = ""
    public var openedAt: Double?
    public var lastFrameAt: Double?
    public var lastCloseReason: String?
    public var everOpened = false
    /// Whether the desired subscriptions were sent on this socket.
    public var subscribed = false
    /// When the application ping went out, while its pong is awaited.
    public var pingSentAt: Double?
    public var lastPingAt: Double?
    /// Round trip of the last application ping.
    public var roundTrip: Double?
    /// Wire topic → status, for the current socket.
    public var subscriptions: [String: SubscriptionStatus] = [:]
    /// Client messages waiting for the next open socket, oldest first.
    public var outbox: [ClientMessage] = []
    /// Sockets that opened, the first included: more than one means the link came back.
    public var opens = 0
    /// The last `query` sent from the palette and the server's answer.
    public var query: QueryExchange?

    public init(url: String) { self.url = url }
}

/// Whether the server confirmed a subscription. The documented API defines no acknowledgement,
/// so there a sent subscription stays `.sent`.
public enum SubscriptionStatus: Sendable, Equatable {
    case sent
    case acknowledged
}

public struct Settings: Sendable, Equatable {
    public var url: String
    public var historyLimit: Int
    public var backoff: BackoffPolicy
    /// `nil` retries for ever.
    public var maxRetries: Int?
    /// How long to wait for the welcome before subscribing anyway.
    public var welcomeTimeout: Double
    /// A connection counts as healthy (and the attempt counter resets) after staying open this long.
    public var healthyAfter: Double
    /// Period of the application `{"type":"ping"}` whose `pong` measures the round trip.
    public var pingInterval: Double
    /// No frame of any kind for this long and the connection is declared dead.
    public var watchdog: Double
    /// Client messages kept while disconnected; the oldest is dropped beyond this.
    public var outboxLimit: Int
    /// Provider filter sent after every (re)open, e.g. `aws`; nil sends none.
    public var provider: String?
    /// Whether to use the REST API (backfill, stats, polling fallback) next to the WebSocket.
    public var restEnabled: Bool
    public var pollInterval: Double
    public var statsInterval: Double
    /// The longest `Retry-After` honoured; a server asking for more is waited for this long, and told so.
    public var maximumRetryAfter: Double
    /// Drifts loaded from `/api/v1/drifts` on the first connect and after a server restart (0: none).
    public var historyOnStart: Int
    /// The credential sent (scheme and source, never the value), for 401/403 messages.
    public var credential: String?
    /// `--insecure`: certificates are not verified, and the screen says so for as long as it runs.
    public var tlsUnverified = false
    /// Period of the Terraform state summary read (`/api/v1/state`).
    public var stateInterval: Double = 30
    /// Period of the readiness read (`/health`).
    public var healthInterval: Double = 30

    public init(
        url: String, historyLimit: Int = 10_000, backoff: BackoffPolicy = BackoffPolicy(), maxRetries: Int? = nil,
        welcomeTimeout: Double = 2, healthyAfter: Double = 5, pingInterval: Double = 30, watchdog: Double = 65,
        outboxLimit: Int = 256, provider: String? = nil, restEnabled: Bool = true, pollInterval: Double = 5,
        statsInterval: Double = 10, maximumRetryAfter: Double = 3600, historyOnStart: Int = 0
    ) {
        self.url = url
        self.historyLimit = historyLimit
        self.backoff = backoff
        self.maxRetries = maxRetries
        self.welcomeTimeout = welcomeTimeout
        self.healthyAfter = healthyAfter
        self.pingInterval = pingInterval
        self.watchdog = watchdog
        self.outboxLimit = outboxLimit
        self.provider = provider
        self.restEnabled = restEnabled
        self.pollInterval = pollInterval
        self.statsInterval = statsInterval
        self.maximumRetryAfter = maximumRetryAfter
        self.historyOnStart = max(0, historyOnStart)
    }
}

/// A time the stream was interrupted, and how much of it the REST backfill recovered.
public struct Gap: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var backfilled: Int
    /// The Drifts pane's sequence number at which the interruption began (for the marker line).
    public var afterSeq: Int
    /// The server whose stream was interrupted.
    public var server: Int

    public init(start: Double, end: Double, backfilled: Int, afterSeq: Int, server: Int = 0) {
        self.server = server
        self.start = start
        self.end = end
        self.backfilled = backfilled
        self.afterSeq = afterSeq
    }
}

/// An interruption still being repaired: when it began, where the Drifts pane was, and when the link came back.
public struct OpenGap: Sendable, Equatable {
    public var start: Double
    public var afterSeq: Int
    public var end: Double?

    public init(start: Double, afterSeq: Int, end: Double? = nil) {
        self.start = start
        self.afterSeq = afterSeq
        self.end = end
    }
}

/// What a server says about its own sight (`/health`): the link can be open while the server is blind (its Falco
/// subscription down), and a quiet screen must not look like a quiet world.
public enum Readiness: Sendable, Equatable {
    /// Not asked yet.
    case notAsked
    /// The server reports no readiness (an older version, `/health` 404, no `checks`): shown once as unknown.
    case unknown
    case ready(checks: [ReadinessCheck])
    /// Some check failed (`status: degraded`), since the first answer that said so.
    case degraded(checks: [ReadinessCheck], since: Double)

    /// The server says it cannot see (its status is degraded or a check failed).
    public var isBlind: Bool {
        if case .degraded = self { return true }
        return false
    }

    public var failing: [ReadinessCheck] {
        if case .degraded(let checks, _) = self { return checks.filter { !$0.ok } }
        return []
    }
}

/// One check of `/health`, as the server named it (cleaned, capped): `falco: disconnected`.
public struct ReadinessCheck: Sendable, Equatable {
    public var name: String
    public var value: String
    /// `connected`, `ok` and `disabled` are fine; anything else is a problem the server reports.
    public var ok: Bool

    public init(name: String, value: String) {
        self.name = name
        self.value = value
        ok = ["connected", "ok", "disabled", "healthy", "up"].contains(value.lowercased())
    }

    /// `falco disconnected, k8s lagging`: checks as the screen, the problem log and `tail` word them.
    public static func words(_ checks: [ReadinessCheck]) -> String {
        checks.map { "\($0.name) \($0.value)" }.joined(separator: ", ")
    }
}

/// What the client knows from and about the REST side.
public struct RestState: Sendable, Equatable {
    /// Polling `/drifts` and `/stats` because the WebSocket endpoint is unavailable (HTTP 404/500 on upgrade).
    public var polling = false
    /// Some REST call got a body: the server could be read, over the WebSocket or not.
    public var everAnswered = false
    /// The server's readiness (`/health`), read on open, every `healthInterval` and while polling.
    public var readiness = Readiness.notAsked
    public var lastHealthRequest: Double?
    /// Server drifts (by their index in `/api/v1/drifts`) accounted for; nil until first learned.
    public var cursor: Int?
    /// Key of the drift at index `cursor - 1`: if a later read finds another drift there, the list was replaced
    /// (the server restarted and has grown past our cursor already), which a shorter total alone would miss.
    public var anchor: DriftDigest?
    public var driftsInFlight = false
    public var lastStatsRequest: Double?
    public var serverVersion: String?
    public var restartsDetected = 0
    /// History on start: how many drifts it brought, or why there is none (`nil` while not tried).
    public var historyLoaded: Int?
    public var historyProblem: String?
    public var backfilledTotal = 0
    public var lastError: String?
    /// The interruption being repaired: when it began and where the Drifts pane was.
    public var openGap: OpenGap?
    public var gapBackfilled = 0
    /// The server's Terraform state summary (`/api/v1/state`), read at start and every `stateInterval`.
    public var terraformState: TerraformStateStatus?
    public var lastStateRequest: Double?
    /// Server drift total when counting began, for the dropped-events estimate.
    public var driftBaseline: Int?
    public var liveDrifts = 0
    /// Live drifts held while the list past the cursor is read: each is either found there (new, shown then) or
    /// was an entry the last read already showed (merged). See `DriftReconciler`.
    public var heldLive: [DriftRecord] = []
    /// The reconciler's arrival count when the list was first read: live drifts before it lie before the cursor
    /// once history (if any) has had its chance to meet them.
    public var firstReadMark: Int?
    /// The reconciler's arrival count when the last `/api/v1/drifts` read was asked for.
    public var readMark: Int?

    public init() {}
}

/// One server's slice of the state: its link, its REST side, what it should send, its dedupe window and counts.
/// Every server runs the same machine on its own slice, so one server's trouble never touches another's.
public struct ServerState: Sendable, Equatable {
    /// Short name for the server column, the status bar and `server:` filters; empty with a single server.
    public var name: String
    public var settings: Settings
    public var connection: ConnectionState
    public var rest = RestState()
    /// What the operator wants subscribed on this server, whatever the link's state.
    public var desiredTopics: Set<Topic>
    /// Settings from an edited configuration file, taken on at this server's next connection attempt.
    public var pendingSettings: Settings?
    /// Where this server's live drifts stand against its REST list, so one detection reaching the client both
    /// ways is shown once, and the same change made again is shown again.
    public var reconciler: DriftReconciler
    /// Counts of what this server sent; kept when there are several servers (one server's are the feed's).
    public var stats = Statistics()
    /// Totals the server reports itself (REST `/api/v1/stats`, documented `stats` messages).
    public var reported: ServerStats?
    /// `subscribed` replies from this server for topics it was never asked for (dropped; reported at 1, 10, 100…).
    public var unrequestedAcks = 0

    public init(name: String = "", settings: Settings, topics: Set<Topic>) {
        self.name = name
        self.settings = settings
        self.connection = ConnectionState(url: settings.url)
        self.desiredTopics = topics
        self.reconciler = DriftReconciler(capacity: DriftReconciler.capacity(forHistory: settings.historyLimit))
    }

    /// The dialect to subscribe with: the one the server showed, or both when it has not said yet.
    public var subscriptionDialects: [Dialect] {
        connection.dialect.map { [$0] } ?? [.real, .documented]
    }

    /// Wire names that deliver `topic` on this connection, without duplicates, in a stable order.
    public func wireNames(for topic: Topic) -> [String] {
        var seen = Set<String>()
        return subscriptionDialects.flatMap { topic.wireNames(for: $0) }.filter { seen.insert($0).inserted }
    }
}
