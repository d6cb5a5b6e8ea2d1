import Testing
import TFDriftCore
import TFDriftRuntime
import TFDriftWire

/// A server as a script, answering the runtime's effects at once through the inbox, and noting when (on the
/// virtual clock) each effect came.
final class ScriptedConnection: Connection {
    enum Upgrade { case refused, refusedWith500, opens }

    let inbox: Inbox
    let clock: VirtualClock
    let upgrade: Upgrade
    private(set) var connects: [Double] = []
    private(set) var pings: [Double] = []
    private(set) var aborts: [Double] = []
    private(set) var fetches: [(at: Double, request: RestRequest)] = []

    init(inbox: Inbox, clock: VirtualClock, upgrade: Upgrade) {
        self.inbox = inbox
        self.clock = clock
        self.upgrade = upgrade
    }

    func connect(generation: Int, url: String) {
        connects.append(clock.monotonic())
        switch upgrade {
        case .refused:
            inbox.post(.connectionClosed(generation: generation, Disconnection("connection refused"), at: clock.now(), jitter: 0.5))
        case .refusedWith500:
            inbox.post(.connectionClosed(generation: generation, Disconnection("upgrade refused: HTTP 500", httpStatus: 500), at: clock.now(), jitter: 0.5))
        case .opens:
            inbox.post(.connectionOpened(generation: generation, at: clock.now()))
            let welcome = #"{"type":"connected","data":{"client_id":"c1","version":"0.14"}}"#
            inbox.post(.frameReceived(generation: generation, bytes: Array(welcome.utf8), at: clock.now()))
        }
    }

    func send(generation: Int, _ message: ClientMessage) {
        if message == .ping { pings.append(clock.monotonic()) }
    }

    func disconnect(generation: Int) {}

    func abort(generation: Int) { aborts.append(clock.monotonic()) }

    func fetch(_ request: RestRequest, url: String) {
        fetches.append((clock.monotonic(), request))
        inbox.post(.restResponse(request, .failure(status: 503, message: "unavailable"), at: clock.now()))
    }
}

/// Stops the run when `done` says so, or after a virtual hour at the latest.
final class UntilFrontend: Frontend {
    let clock: VirtualClock
    let done: () -> Bool
    init(clock: VirtualClock, done: @escaping () -> Bool) {
        self.clock = clock
        self.done = done
    }

    var inputDescriptor: Int32? { nil }
    var wantsToStop: Bool { done() || clock.monotonic() > 3600 }
    func readInput(state: State) -> [Action] { [] }
    func present(state: State) {}
}

/// The runtime's schedules on a virtual clock: what takes minutes live runs here without sleeping.
struct VirtualClockTests {
    func run(_ upgrade: ScriptedConnection.Upgrade, settings: (inout Settings) -> Void, until: @escaping (ScriptedConnection) -> Bool) -> ScriptedConnection {
        let clock = VirtualClock()
        let inbox = Inbox()
        let connection = ScriptedConnection(inbox: inbox, clock: clock, upgrade: upgrade)
        var state = State(settings: Settings(url: "ws://scripted/ws"), topics: [.drifts])
        settings(&state.settings)
        let runtime = Runtime(state: state, source: inbox, connection: connection, frontend: UntilFrontend(clock: clock, done: { until(connection) }), clock: clock)
        runtime.run()
        return connection
    }

    /// Full jitter at 0.5 of a ceiling that doubles from 1 s to the 30 s cap.
    @Test func reconnectsFollowTheBackoffSchedule() {
        let connection = run(.refused, settings: { $0.restEnabled = false }, until: { $0.connects.count >= 9 })
        let waits = zip(connection.connects.dropFirst(), connection.connects).map { $0 - $1 }
        #expect(waits.map { ($0 * 1000).rounded() / 1000 } == [0.5, 1, 2, 4, 8, 15, 15, 15], "\(waits)")
    }

    /// No frame after the welcome: pings every 30 s, then the watchdog declares the link dead and reconnects.
    @Test func pingsAndTheWatchdogRunOnTheVirtualClock() {
        let connection = run(.opens, settings: {
            $0.restEnabled = false
            $0.watchdog = 100
        }, until: { $0.connects.count >= 2 })
        let opened = connection.connects[0]
        let pings = connection.pings.map { $0 - opened }
        #expect(pings.count == 3, "\(pings)")
        for (i, ping) in pings.enumerated() {
            // Every 30 s after the link opened, on the 1 s tick.
            #expect(abs(ping - Double(i + 1) * 30) <= 1.01, "ping \(i) at \(ping)")
        }
        let abort = try! #require(connection.aborts.first) - opened
        #expect(abort > 100 && abort <= 101.01, "the watchdog after 100 s of silence: \(abort)")
        #expect(connection.connects[1] - connection.aborts[0] <= 1, "reconnected at once after a dead link (jitter spreads it)")
    }

    /// An upgrade answered with 500: REST polling every 5 s, while the WebSocket is retried at the 30 s cap.
    @Test func pollingRunsOnItsIntervalWhileTheWebSocketRetriesAtTheCap() {
        let connection = run(.refusedWith500, settings: { $0.historyOnStart = 0 }, until: { $0.connects.count >= 3 })
        // Each poll round reads the drift list's first page (and the stats).
        let polls = connection.fetches.filter { if case .drifts = $0.request { true } else { false } }.map(\.at)
        let pollWaits = zip(polls.dropFirst(), polls).map { ($0 - $1) }
        #expect(pollWaits.count >= 8)
        #expect(pollWaits.allSatisfy { abs($0 - 5) < 0.001 }, "\(pollWaits)")
        // The stats come with each round, not a second time from the regular stats poll.
        let stats = connection.fetches.filter { $0.request == .stats }.map(\.at)
        #expect(stats == polls, "\(stats) vs \(polls)")
        let retries = zip(connection.connects.dropFirst(), connection.connects).map { $0 - $1 }
        #expect(retries.allSatisfy { abs($0 - 30) < 0.001 }, "\(retries)")
    }
}

struct InboxTests {
    /// The network pauses reading on the inbox's backlog, which counts messages whether they come decoded or,
    /// while recording, as a frame's bytes (one message a line).
    @Test func theBacklogCountsMessagesNotFrames() {
        let inbox = Inbox()
        let batch = (0..<256).map { #"{"type":"data","topic":"drift","data":{"n":\#($0)}}"# }.joined(separator: "\n")
        inbox.post(.frameReceived(generation: 1, bytes: Array(batch.utf8), at: 0))
        #expect(inbox.backlog == 256)
        inbox.post(.received(generation: 1, items: Array(repeating: .unknown(type: "x"), count: 3), at: 0))
        inbox.post(.tick(at: 1))
        #expect(inbox.backlog == 260)
        #expect(inbox.drain().count == 3)
        #expect(inbox.backlog == 0)
    }
}
