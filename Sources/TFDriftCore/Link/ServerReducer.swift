import TFDriftWire

/// What one server's reducers may read of the whole state (never write): time, whether the program is quitting,
/// and where the merged Drifts pane stands (a gap marks its place there).
public struct ServerContext: Sendable, Equatable {
    public var now: Double
    public var quitting: Bool
    public var nextDriftSeq: Int

    public init(now: Double, quitting: Bool = false, nextDriftSeq: Int = 0) {
        self.now = now
        self.quitting = quitting
        self.nextDriftSeq = nextDriftSeq
    }
}

/// What a server's reducers hand the root, which applies it with that server's index: records for the merged
/// panes, problems for the log, counters, and answers the screen waits for. A server's reducer never touches
/// another server, the panes or the screen itself, so nothing it makes can land on the wrong server.
public enum ServerOutput: Sendable, Equatable {
    /// A drift to show (live, backfilled or history, as the record says).
    case drift(DriftRecord)
    case event(EventRecord)
    case stateChange(StateRecord)
    case gap(start: Double, end: Double, backfilled: Int, afterSeq: Int)
    /// `asLastError`: the status bar's last error too (else only the diagnostics view's log).
    case problem(Problem.Kind, asLastError: Bool)
    case count(Counter, Int)
    /// The answer to a query the palette is showing.
    case queryAnswered(QueryExchange.Answer)
    /// The detail view's REST lookups (`c`): applied if that view still waits for it.
    case lookup(RestRequest, Lookup)

    public enum Counter: Sendable, Equatable {
        case messagesReceived, malformed, unknown, serverErrors, sendFailures, outboxDropped, unrequestedAcks, mergedLive, mergedListed, undecided
    }
}

/// One server's action, as its reducer sees it (the root strips the address and the actions that are not a server's).
public enum ServerAction: Sendable, Equatable {
    case start
    case tick(at: Double)
    case opened(generation: Int, at: Double)
    case closed(generation: Int, Disconnection, at: Double, jitter: Double)
    case received(generation: Int, items: [Incoming], at: Double)
    case sendFailed(message: ClientMessage, reason: String)
    case retryDue(generation: Int)
    case welcomeTimedOut(generation: Int)
    case rest(RestRequest, RestOutcome, at: Double)
    case pollDue
    case settingsReloaded(Settings)
    /// A command for the link: topics, provider, retry, a message to send (a query among them).
    case command(Command)
    case hangUp
}

/// What reducing one server's action gave: effects for its socket, REST and timers, and outputs for the root.
public struct ServerStep: Sendable, Equatable {
    public var effects: [Effect] = []
    public var outputs: [ServerOutput] = []

    public init(effects: [Effect] = [], outputs: [ServerOutput] = []) {
        self.effects = effects
        self.outputs = outputs
    }
}

/// A server's slice while its reducers run: its `ServerState`, the read-only context, and what the step has
/// output so far. The child reducers (`ConnectionReducer`, `RestSync`, `FeedReducer`) work on this and nothing
/// else; their names for the slice's parts (`connection`, `rest`, `settings`…) are the server's own.
struct ServerScope {
    var server: ServerState
    var now: Double
    let quitting: Bool
    let nextDriftSeq: Int
    var outputs: [ServerOutput] = []

    /// What stands in the caller's place while a slice is reduced (holds no buffers).
    static let placeholder = ServerState(settings: Settings(url: ""), topics: [])

    init(_ server: ServerState, _ context: ServerContext) {
        self.server = server
        now = context.now
        quitting = context.quitting
        nextDriftSeq = context.nextDriftSeq
    }

    var connection: ConnectionState {
        get { server.connection }
        _modify { yield &server.connection }
    }

    var rest: RestState {
        get { server.rest }
        _modify { yield &server.rest }
    }

    var settings: Settings {
        get { server.settings }
        _modify { yield &server.settings }
    }

    var desiredTopics: Set<Topic> {
        get { server.desiredTopics }
        _modify { yield &server.desiredTopics }
    }

    var pendingSettings: Settings? {
        get { server.pendingSettings }
        _modify { yield &server.pendingSettings }
    }

    func wireNames(for topic: Topic) -> [String] { server.wireNames(for: topic) }

    mutating func output(_ output: ServerOutput) { outputs.append(output) }
    mutating func count(_ counter: ServerOutput.Counter, _ by: Int = 1) { outputs.append(.count(counter, by)) }

    /// A problem for the status bar and the log; `log` keeps it for the diagnostics view only.
    mutating func note(_ kind: Problem.Kind) { outputs.append(.problem(kind, asLastError: true)) }
    mutating func log(_ kind: Problem.Kind) { outputs.append(.problem(kind, asLastError: false)) }

    /// Data that arrived but could not be believed: counted as malformed and noted.
    mutating func malformed(_ kind: Problem.Kind) {
        count(.malformed)
        note(kind)
    }
}

/// One server's state machine: `(inout ServerState, ServerAction) -> ServerStep`, in the manner of TCA's
/// `Scope`/`forEach`. The root runs it with the server's index and applies the outputs with that index.
public enum ServerReducer {
    public static func reduce(_ server: inout ServerState, _ action: ServerAction, _ context: ServerContext) -> ServerStep {
        // The slice is moved in and back, not copied: a copy would share its buffers (the drifts waiting to be
        // placed, the outbox) with the caller's, and the first write would copy them whole on every action.
        var scope = ServerScope(ServerScope.placeholder, context)
        swap(&scope.server, &server)
        let effects = reduce(&scope, action)
        swap(&scope.server, &server)
        return ServerStep(effects: effects, outputs: scope.outputs)
    }

    static func reduce(_ state: inout ServerScope, _ action: ServerAction) -> [Effect] {
        switch action {
        case .start:
            return ConnectionReducer.beginConnecting(&state)

        case .tick(let at):
            return ConnectionReducer.housekeeping(&state, at: at)

        case .opened(let generation, let at):
            guard generation == state.connection.generation, state.connection.phase == .connecting else { return [] }
            state.connection.phase = .open
            state.connection.openedAt = at
            state.connection.lastFrameAt = at
            state.connection.everOpened = true
            state.connection.opens += 1
            state.connection.lastPingAt = at
            ConnectionReducer.forgetSocket(&state)
            state.rest.polling = false
            if state.rest.openGap != nil { state.rest.openGap?.end = at }
            var effects: [Effect] = [.schedule(after: state.settings.welcomeTimeout, .welcomeTimedOut(generation: generation))]
            if state.settings.restEnabled {
                state.rest.lastHealthRequest = at
                effects.append(.fetch(.health))
            }
            return effects

        case .closed(let generation, let disconnection, let at, let jitter):
            guard generation == state.connection.generation else { return [] }
            switch state.connection.phase {
            case .connecting, .open: break
            default: return []
            }
            return ConnectionReducer.connectionLost(&state, disconnection, at: at, jitter: jitter)

        case .retryDue(let generation):
            guard generation == state.connection.generation, case .backingOff = state.connection.phase else { return [] }
            return ConnectionReducer.beginConnecting(&state)

        case .welcomeTimedOut(let generation):
            guard generation == state.connection.generation, state.connection.phase == .open else { return [] }
            return ConnectionReducer.subscribeIfNeeded(&state)

        case .received(let generation, let items, let at):
            guard generation == state.connection.generation, state.connection.phase == .open else { return [] }
            state.connection.lastFrameAt = at
            ConnectionReducer.markHealthy(&state, at: at)
            var effects: [Effect] = []
            state.count(.messagesReceived, items.count)
            for item in items {
                switch item {
                case .control(let reply): effects += ConnectionReducer.apply(reply, to: &state)
                case .unknown(let type): ConnectionReducer.unknownMessage(type, &state)
                default: FeedReducer.apply(item, to: &state, at: at)
                }
            }
            // A live drift that needs the list to be placed asks for it here, once, not from the feed.
            if !state.rest.heldLive.isEmpty { effects += RestSync.requestDrifts(&state) }
            return effects

        case .sendFailed(let message, let reason):
            state.count(.sendFailures)
            state.note(.sendFailed(what: message.summary, reason: reason))
            return []

        case .rest(let request, let outcome, let at):
            return RestSync.apply(&state, request, outcome, at: at)

        case .pollDue:
            guard state.rest.polling, state.connection.phase != .open else { return [] }
            return RestSync.pollRound(&state)

        case .settingsReloaded(let settings):
            // The link in use keeps its address and limits; the next attempt uses the new ones.
            state.pendingSettings = settings
            return []

        case .command(let command):
            return ConnectionReducer.reduce(&state, command)

        case .hangUp:
            return ConnectionReducer.hangUp(&state)
        }
    }
}
