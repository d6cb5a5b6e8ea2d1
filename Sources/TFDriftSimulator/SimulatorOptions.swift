import TFDriftWire

public struct SimulatorOptions: Sendable {
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    public var dialect: Dialect
    /// Events generated per second across all kinds; fractions allowed for a trickle.
    public var rate: Double
    public var seed: UInt64
    /// Control PING period and the silence after which a client that sent no PONG is dropped (54 s / 60 s on the real server).
    public var pingInterval: Double
    public var pongTimeout: Double
    /// Largest client message accepted; bigger ones get close 1009 (the real server's `SetReadLimit(512)`).
    public var maximumClientMessage: Int
    /// Objects joined into one text message at most (the real server's 256-slot send buffer).
    public var maximumBatch: Int
    /// Hostile mode: play this many seeded attack rounds (`HostileKind`) against the first subscriber, each
    /// followed by a sentinel drift `sentinel-N`. Real dialect only.
    public var hostileRounds: Int?
    /// Multiplies the size of the flood rounds (unique topics, long-field drifts, distinct severities).
    public var hostileScale: Int
    /// The kinds of round to play, in turn; empty plays every kind.
    public var hostileKinds: [HostileKind]
    /// Serve a Terraform state (`/api/v1/state`); false answers 404 "Terraform state not loaded".
    public var terraformState = true
    /// Require this token (as `Authorization: Bearer …` or `X-API-Key: …`) on the upgrade and every `/api/`
    /// call, answering 401 otherwise, as a proxy in front of the real server does.
    public var requiredToken: String?
    /// Serve TLS (wss:// and https://) with this PEM certificate chain and key, as an ingress in front of the
    /// real server does.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// With TLS: require a client certificate signed by this PEM CA (mutual TLS).
    public var tlsClientCA: String?
    /// The share of drifts (0–1) that repeat a recent one exactly (resource, attribute, old and new value, user),
    /// as the real detector reports the same out-of-band change made again: its `old_value` comes from the
    /// Terraform state, unchanged until the next apply, and its inner timestamp is empty. Each repeat is its own
    /// entry of the REST list too.
    public var driftRepeats = 0.0
    /// Falco's subscription goes down and comes back this often (seconds): `/health` flips between `degraded`
    /// and `ok` while the WebSocket stays open.
    public var falcoFlapEvery: Double?
    /// Restart in place this often (seconds): every client dropped without a close frame, everything forgotten,
    /// new connections taken at once — a server in a crash loop, on its own schedule.
    public var restartEvery: Double?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dialect: Dialect = .real, rate: Double = 5, seed: UInt64 = 42,
        pingInterval: Double = 54, pongTimeout: Double = 60, maximumClientMessage: Int = 512, maximumBatch: Int = 256,
        hostileRounds: Int? = nil, hostileScale: Int = 1, hostileKinds: [HostileKind] = []
    ) {
        self.host = host
        self.port = port
        self.dialect = dialect
        self.rate = rate
        self.seed = seed
        self.pingInterval = pingInterval
        self.pongTimeout = pongTimeout
        self.maximumClientMessage = maximumClientMessage
        self.maximumBatch = maximumBatch
        self.hostileRounds = hostileRounds
        self.hostileScale = hostileScale
        self.hostileKinds = hostileKinds
    }
}

/// A REST answer given as it is, instead of the simulator's own.
public struct CannedAnswer: Sendable, Equatable {
    public var status: Int
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}

/// Misbehaviour the simulator can be told to show, so the client's recovery can be tested for real.
public struct SimulatorFaults: Sendable, Equatable {
    /// Answer every WebSocket upgrade with this HTTP status (e.g. 500 as the real server does at HEAD, 429, 401).
    public var refuseUpgrade: Int?
    /// `Retry-After` value sent with a refused upgrade (Go duration syntax on the real server, e.g. `9.9ms`).
    public var retryAfter: String?
    /// Accept TCP and the request, then never answer the upgrade.
    public var stallHandshake = false
    /// Keep sockets open but send nothing at all, not even pings.
    public var silent = false
    /// Answer every REST path except /health with 404, like a server without the API.
    public var restMissing = false
    /// Send a REST answer's head and first byte, then stall: a body that never ends.
    public var stallRESTBody = false
    /// `/health` says `degraded`, `falco: disconnected`: the server is up but blind to runtime events.
    public var falcoDisconnected = false
    /// `/health` answers 404, as a server that predates readiness.
    public var healthMissing = false
    /// The graph routes answer this instead of the resource graph (a 400, a huge or hostile body).
    public var graphAnswer: CannedAnswer?

    public init(
        refuseUpgrade: Int? = nil, retryAfter: String? = nil, stallHandshake: Bool = false, silent: Bool = false, restMissing: Bool = false
    ) {
        self.refuseUpgrade = refuseUpgrade
        self.retryAfter = retryAfter
        self.stallHandshake = stallHandshake
        self.silent = silent
        self.restMissing = restMissing
    }
}
