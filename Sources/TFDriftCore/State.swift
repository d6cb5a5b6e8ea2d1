import TFDriftWire

/// The panes of the dashboard, in focus order.
public enum Pane: String, Sendable, CaseIterable, Hashable {
    case drifts, events, state, stats

    public var title: String {
        switch self {
        case .drifts: "Drifts"
        case .events: "Events"
        case .state: "State"
        case .stats: "Stats"
        }
    }

    /// The panes that list items (Stats does not).
    public static let lists: [Pane] = [.drifts, .events, .state]
}

/// Something the operator did, confirmed or refused, shown in the status bar for a while.
public struct Notice: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case copied(bytes: Int)
        /// Inside tmux: taken into tmux's paste buffer (which tmux forwards to the terminal where it may).
        case copiedToTmux(bytes: Int)
        case nothingSelected
        case exported(path: String, lines: Int)
        case exportFailed(path: String, reason: String)
        case queryAnswered(QueryExchange.Answer)
        case theme(String)
        /// `:theme nosuch`: refused, with the names there are.
        case unknownTheme(String, known: [String])
        /// `r` with every link it acts on up or already connecting.
        case nothingToRetry(links: Int)
        /// `r` reconnecting this many links now.
        case retrying(links: Int)
    }

    public var kind: Kind
    public var at: Double

    public init(_ kind: Kind, at: Double) {
        self.kind = kind
        self.at = at
    }

    public static let shownFor = 8.0
}

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

/// A REST lookup made for the detail view.
public enum Lookup: Sendable, Equatable {
    case loading
    case found(JSONValue)
    /// 404: the server has no such item (or no such endpoint).
    case notFound
    case failed(String)
}

/// More about one drift, asked for from its detail: the server's own record and what Terraform declares.
public struct DriftContext: Sendable, Equatable {
    /// As shown (cleaned).
    public var resourceID: String
    /// As the server sent it, for the REST paths; nil when it cannot be put in one.
    public var lookupID: String?
    /// The server asked (the drift's own).
    public var server = 0
    public var drift: Lookup = .loading
    public var declared: Lookup = .loading

    public init(resourceID: String, lookupID: String?) {
        self.resourceID = resourceID
        self.lookupID = lookupID
    }
}

/// Where a list pane is looking: following the newest item, or held on one item by sequence number
/// so that arriving data does not move what the operator is reading.
public struct PaneScroll: Sendable, Equatable {
    public var follow = true
    public var selected: Int?
    /// The item shown in the first row while held, so arriving data does not push the view down.
    public var top: Int?

    public init(follow: Bool = true, selected: Int? = nil, top: Int? = nil) {
        self.follow = follow
        self.selected = selected
        self.top = top
    }
}

/// The item open in the detail view.
public struct DetailState: Sendable, Equatable {
    public var pane: Pane
    public var seq: Int
    /// The exact JSON as received instead of the fields.
    public var raw = false
    /// First line shown.
    public var offset = 0
    /// What the server said when asked for more about this drift (`c`).
    public var context: DriftContext?
    /// What depends on the item's resource (`b`), shown over the detail while set.
    public var blast: BlastRadius?

    public init(pane: Pane, seq: Int) {
        self.pane = pane
        self.seq = seq
    }
}

public struct UIState: Sendable, Equatable {
    public var focus: Pane = .drifts
    /// Set while a recording plays (`replay`).
    public var replay: ReplayStatus?
    public var scroll: [Pane: PaneScroll] = [:]
    public var showHelp = false
    /// The help's page when it does not fit (the view wraps it around).
    public var helpPage = 0
    /// Terminal size and the list rows of each pane, as the layout gives them.
    public var width = 0
    public var height = 0
    public var pageRows: [Pane: Int] = [:]
    /// The filter of each pane (`--filter` sets them all at start).
    public var filters: [Pane: Filter] = [:]
    /// The filter line is open for the focused pane.
    public var editingFilter = false
    /// The focused pane's filter when the filter line opened: Esc in the line goes back to it.
    public var keptFilter: Filter?
    /// Shown in every pane: this severity and above (`s` cycles).
    public var minimumSeverity: Severity?
    public var detail: DetailState?
    /// Paused: each pane shows what it had (its `nextSeq` then); data keeps arriving.
    public var pausedAt: [Pane: Int]?
    public var palette: PaletteState?
    /// The last confirmation or failure of something the operator did (copy, export), for the status bar.
    public var notice: Notice?
    /// The pane that has the whole screen (`z`).
    public var maximized: Pane?
    /// The theme asked for (a name or a path); the frontend loads it.
    public var theme = "default"
    /// Theme names `t` cycles through, as the frontend found them.
    public var themes: [String] = ["default"]
    /// The names among them made for the terminal's background, when the terminal said which it has; `t` offers
    /// only these (`:theme` still takes any).
    public var themesForBackground: [String]?
    /// The problems view is open, scrolled this many lines; nil when closed.
    public var diagnosticsOffset: Int?
    /// War-room mode (`--kiosk`); nil for an interactive dashboard.
    public var kiosk: KioskState?
    /// The one server the whole screen shows; nil shows every server merged.
    public var serverScope: Int?
    /// The connections view is open with this server selected; nil when closed.
    public var connections: Int?
    /// Each narrowed pane's answers, decided once per item (`State.refreshMatches`).
    public var matches = MatchCache()

    public init() {}

    public func scroll(of pane: Pane) -> PaneScroll { scroll[pane] ?? PaneScroll() }
    /// Runs for every row drawn: no array built on the way.
    public func filter(of pane: Pane) -> Filter? { filters[pane].flatMap { $0.terms.isEmpty ? nil : $0 } }
    public func page(of pane: Pane) -> Int { max(1, pageRows[pane] ?? 10) }
}

extension UIState {
    /// `--filter`: the same filter on every list pane (and so on what `tail` prints).
    public mutating func filterEveryPane(_ text: String) {
        guard !text.isEmpty else { return }
        for pane in Pane.allCases where pane != .stats { filters[pane] = Filter(text) }
    }
}

public enum ConnectionPhase: Sendable, Equatable {
    case idle
    case connecting
    case open
    case backingOff(until: Double)
    /// No more automatic retries; the reason says what to fix (the view words it).
    case stopped(StopReason)

    public var label: String {
        switch self {
        case .idle: "idle"
        case .connecting: "connecting"
        case .open: "open"
        case .backingOff: "reconnecting"
        case .stopped: "stopped"
        }
    }
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

/// What arrived from the server, kept bounded.
public struct FeedState: Sendable, Equatable {
    public var drifts: History<DriftRecord>
    public var events: History<EventRecord>
    public var stateChanges: History<StateRecord>
    public var stats = Statistics()
    public var gaps: [Gap] = []
    /// Whether records keep the message they came from, for the detail view's `r`. `tail` prints fields only:
    /// without them its store is a third smaller.
    public var keepsRawLines = true

    public init(historyLimit: Int) {
        drifts = History(capacity: historyLimit)
        events = History(capacity: historyLimit)
        stateChanges = History(capacity: historyLimit)
    }
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

/// Everything the dashboard knows. A plain value: rendering is a function of it.
public struct State: Sendable, Equatable {
    public var now: Double = 0
    public var startedAt: Double = 0
    /// Every server watched, in the order given; each has its own link, REST side and settings.
    public var servers: [ServerState]
    /// What arrived from every server, merged in arrival order: the panes' histories, statistics and gaps.
    public var feed: FeedState
    /// Focus, scroll, help: everything about how the screen looks at the data.
    public var ui = UIState()
    public var diagnostics = Diagnostics()
    public var quitting = false

    public init(settings: Settings, topics: Set<Topic>) {
        self.init(servers: [ServerState(settings: settings, topics: topics)])
    }

    /// Several servers (at least one); the first one's history limit sizes the merged panes.
    public init(servers: [ServerState]) {
        precondition(!servers.isEmpty, "a dashboard watches at least one server")
        self.servers = servers
        self.feed = FeedState(historyLimit: servers[0].settings.historyLimit)
    }

    /// More than one server: items carry a server column and the status bar one entry per server.
    public var isMultiServer: Bool { servers.count > 1 }

    /// Effects for server `index`: addressed to it when there are several (one server's are its own).
    func addressed(_ effects: [Effect], to index: Int) -> [Effect] {
        isMultiServer ? effects.map { $0.addressed(to: index) } : effects
    }

    /// A server's name for the screen (`#2` when it has none).
    public func serverName(_ index: Int) -> String {
        guard servers.indices.contains(index) else { return "?" }
        return servers[index].name.isEmpty ? "#\(index + 1)" : servers[index].name
    }

    /// The servers a link command (topics, retry, ping, query) is for: the one selected in the connections
    /// view, else all of them.
    public var linkTargets: [Int] {
        if let selected = ui.connections, servers.indices.contains(selected) { return [selected] }
        return Array(servers.indices)
    }

    /// Entries in the pane's history, for the status bar and pane titles.
    public func count(of pane: Pane) -> Int {
        switch pane {
        case .drifts: feed.drifts.count
        case .events: feed.events.count
        case .state: feed.stateChanges.count
        case .stats: 0
        }
    }

    func history(seqRangeOf pane: Pane) -> (oldest: Int, newest: Int)? {
        switch pane {
        case .drifts: feed.drifts.oldestSeq.map { ($0, feed.drifts.newestSeq!) }
        case .events: feed.events.oldestSeq.map { ($0, feed.events.newestSeq!) }
        case .state: feed.stateChanges.oldestSeq.map { ($0, feed.stateChanges.newestSeq!) }
        case .stats: nil
        }
    }
}
