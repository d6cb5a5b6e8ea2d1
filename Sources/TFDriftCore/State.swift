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
}

/// Where a list pane is looking: following the newest item, or held on one item by sequence number
/// so that arriving data does not move what the operator is reading.
public struct PaneScroll: Sendable, Equatable {
    public var follow = true
    public var selected: Int?

    public init(follow: Bool = true, selected: Int? = nil) {
        self.follow = follow
        self.selected = selected
    }
}

public struct UIState: Sendable, Equatable {
    public var focus: Pane = .drifts
    public var scroll: [Pane: PaneScroll] = [:]
    public var showHelp = false

    public init() {}

    public func scroll(of pane: Pane) -> PaneScroll { scroll[pane] ?? PaneScroll() }
}

public enum ConnectionPhase: Sendable, Equatable {
    case idle
    case connecting
    case open
    case backingOff(until: Double)
    /// No more automatic retries; the reason says what to fix.
    case stopped(String)

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

    public init(url: String) { self.url = url }
}

/// Whether the server confirmed a subscription. The documented API defines no acknowledgement,
/// so there a sent subscription stays `.sent`.
public enum SubscriptionStatus: Sendable, Equatable {
    case sent
    case acknowledged
}

public struct Diagnostics: Sendable, Equatable {
    public var messagesReceived = 0
    public var malformed = 0
    public var unknown = 0
    public var serverErrors = 0
    public var sendFailures = 0
    public var lastError: String?
    public var lastErrorAt: Double?

    public init() {}

    public var errorCount: Int { malformed + serverErrors + sendFailures }
}

public struct Settings: Sendable, Equatable {
    public var url: String
    public var historyLimit: Int
    public var backoff: BackoffPolicy
    /// `nil` retries for ever.
    public var maxRetries: Int?
    /// How long to wait for the welcome before subscribing anyway.
    public var welcomeTimeout: Double

    public init(
        url: String, historyLimit: Int = 10_000, backoff: BackoffPolicy = BackoffPolicy(), maxRetries: Int? = nil,
        welcomeTimeout: Double = 2
    ) {
        self.url = url
        self.historyLimit = historyLimit
        self.backoff = backoff
        self.maxRetries = maxRetries
        self.welcomeTimeout = welcomeTimeout
    }
}

/// Everything the dashboard knows. A plain value: rendering is a function of it.
public struct State: Sendable {
    public var settings: Settings
    public var now: Double = 0
    public var startedAt: Double = 0
    public var connection: ConnectionState
    public var desiredTopics: Set<Topic>
    /// Wire topic → status, for the current socket.
    public var subscriptions: [String: SubscriptionStatus] = [:]
    public var drifts: History<DriftRecord>
    public var events: History<EventRecord>
    public var stateChanges: History<StateRecord>
    public var stats = Statistics()
    public var ui = UIState()
    public var diagnostics = Diagnostics()
    public var quitting = false

    public init(settings: Settings, topics: Set<Topic>) {
        self.settings = settings
        self.connection = ConnectionState(url: settings.url)
        self.desiredTopics = topics
        self.drifts = History(capacity: settings.historyLimit)
        self.events = History(capacity: settings.historyLimit)
        self.stateChanges = History(capacity: settings.historyLimit)
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

    /// Entries in the pane's history, for the status bar and pane titles.
    public func count(of pane: Pane) -> Int {
        switch pane {
        case .drifts: drifts.count
        case .events: events.count
        case .state: stateChanges.count
        case .stats: 0
        }
    }

    func history(seqRangeOf pane: Pane) -> (oldest: Int, newest: Int)? {
        switch pane {
        case .drifts: drifts.oldestSeq.map { ($0, drifts.newestSeq!) }
        case .events: events.oldestSeq.map { ($0, events.newestSeq!) }
        case .state: stateChanges.oldestSeq.map { ($0, stateChanges.newestSeq!) }
        case .stats: nil
        }
    }
}
