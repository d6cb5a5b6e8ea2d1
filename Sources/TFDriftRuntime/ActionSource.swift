import TFDriftCore
import TFDriftNetwork
import TFDriftWire

/// Where the store's outside actions come from: the network through the inbox (live), or a recording.
public protocol ActionSource: AnyObject {
    /// A descriptor that becomes readable when actions are waiting (the inbox's pipe), or nil.
    var descriptor: Int32? { get }
    /// Whether the runtime makes time pass itself: ticks, timers and a `.started` (live); a recording brings its own.
    var drivesTimers: Bool { get }
    /// Actions due at `now` (monotonic), in order.
    func take(now: Double) -> [Action]
    /// When the next action is due (monotonic), if the source knows; nil: when the descriptor says so.
    func nextDue(now: Double) -> Double?
    /// Keys the source answers itself (a replay's controls); false passes the key on to the store.
    func intercept(_ key: Key, state: State, now: Double) -> Bool
    /// A state to start over from (a replay seeking backwards), taken once.
    func takeRestart() -> State?
    /// Nothing more will come and the run should end (`tail --replay` at the end of the recording).
    var exhausted: Bool { get }
}

extension Inbox: ActionSource {
    public var descriptor: Int32? { readFD }
    public var drivesTimers: Bool { true }
    public func take(now: Double) -> [Action] { drain() }
    public func nextDue(now: Double) -> Double? { nil }
    public func intercept(_ key: Key, state: State, now: Double) -> Bool { false }
    public func takeRestart() -> State? { nil }
    public var exhausted: Bool { false }
}

/// What the effects reach: the server (live), or nothing (a replay, whose recording already holds what the
/// live run's effects led to).
public protocol Connection: AnyObject {
    func connect(generation: Int, url: String)
    func send(generation: Int, _ message: ClientMessage)
    func disconnect(generation: Int)
    func abort(generation: Int)
    func fetch(_ request: RestRequest, url: String)
}

extension WebSocketClient: Connection {
    public func fetch(_ request: RestRequest, url: String) { rest.fetch(request, webSocketURL: url) }
}

/// A replay opens no socket and makes no REST call.
public final class NoConnection: Connection {
    public init() {}
    public func connect(generation: Int, url: String) {}
    public func send(generation: Int, _ message: ClientMessage) {}
    public func disconnect(generation: Int) {}
    public func abort(generation: Int) {}
    public func fetch(_ request: RestRequest, url: String) {}
}
