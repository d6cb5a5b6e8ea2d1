#if canImport(Glibc)
import Glibc
#endif
import Testing
import TFDriftCore
@testable import TFDriftRuntime
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
        settings(&state.servers[0].settings)
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

/// Data every 10 ms of virtual time, until `end`.
final class SteadyData: ActionSource {
    let clock: VirtualClock
    let end: Double
    private var next = 0.0
    init(clock: VirtualClock, end: Double) {
        self.clock = clock
        self.end = end
    }
    var descriptor: Int32? { nil }
    var drivesTimers: Bool { false }
    func take(now: Double) -> [Action] {
        var actions: [Action] = []
        while next <= now, next < end {
            actions.append(.received(generation: 0, items: [], at: 1_800_000_000 + next))
            next += 0.01
        }
        return actions
    }
    func nextDue(now: Double) -> Double? { next < end ? next : nil }
    func intercept(_ key: Key, state: State, now: Double) -> Bool { false }
    func takeRestart() -> State? { nil }
    var exhausted: Bool { next >= end }
}

/// A screen whose every frame costs `cost` seconds of virtual time; the first frame after `keyAt` presses a key
/// (a byte into its input pipe), and the times of frames and of the key's reading are noted.
/// A keyboard for test frontends: a non-blocking pipe whose read end the runtime polls as its input.
final class KeyPipe {
    let read: Int32
    let write: Int32

    init() {
        var fds: [Int32] = [0, 0]
        _ = Glibc.pipe(&fds)
        (read, write) = (fds[0], fds[1])
        _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(read)
        close(write)
    }

    func press() {
        var byte: UInt8 = 1
        _ = Glibc.write(write, &byte, 1)
    }

    /// Whether a key was waiting (and is now taken).
    func take() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return Glibc.read(read, &buffer, buffer.count) > 0
    }
}

final class CostlyScreen: Frontend {
    let clock: VirtualClock
    let cost: Double
    let keyAt: Double
    let keys = KeyPipe()
    private var pressed = false
    private(set) var frames: [Double] = []
    private(set) var keyReadAt: Double?

    init(clock: VirtualClock, cost: Double, keyAt: Double) {
        self.clock = clock
        self.cost = cost
        self.keyAt = keyAt
    }

    var inputDescriptor: Int32? { keys.read }
    var wantsToStop: Bool { false }

    func readInput(state: State) -> [Action] {
        guard keys.take() else { return [] }
        keyReadAt = clock.monotonic()
        return [.key(.character("j"))]
    }

    func present(state: State) {
        frames.append(clock.monotonic())
        clock.advance(by: cost)
        if !pressed, clock.monotonic() >= keyAt {
            pressed = true
            keys.press()
        }
    }
}

struct FramePacingTests {
    func frames(cost: Double, share: Double?) -> CostlyScreen {
        let clock = VirtualClock()
        let screen = CostlyScreen(clock: clock, cost: cost, keyAt: 1.5)
        let state = State(settings: Settings(url: "ws://paced/ws"), topics: [.drifts])
        Runtime(state: state, source: SteadyData(clock: clock, end: 3), connection: NoConnection(), frontend: screen, clock: clock,
                maximumFramesPerSecond: 30, drawingShare: share).run()
        return screen
    }

    /// Frames costing 10 ms with a 5 % share: data redraws come every 200 ms instead of 30 times a second.
    @Test func dataRedrawsKeepTheirCostWithinTheShare() {
        let paced = frames(cost: 0.01, share: 0.05)
        let unpaced = frames(cost: 0.01, share: nil)
        let steady = { (frames: [Double]) in frames.filter { $0 > 0.5 && $0 < 1.4 } }
        #expect(steady(unpaced.frames).count >= 20, "30 frames a second without a share: \(unpaced.frames.count)")
        let pacedSteady = steady(paced.frames)
        #expect(pacedSteady.count >= 3 && pacedSteady.count <= 6, "one frame per 200 ms: \(pacedSteady)")
        let gaps = zip(pacedSteady.dropFirst(), pacedSteady).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 >= 0.19 }, "\(gaps)")
    }

    /// Frames cheap enough that 20 a second cost at most 6 % of a core come 20 times a second even when the
    /// share alone would space them further (2 ms / 3.5 % = 57 ms); a frame just above that line is paced by the share.
    @Test func cheapFramesKeepTwentyASecond() {
        let steady = { (frames: [Double]) in frames.filter { $0 > 0.5 && $0 < 1.5 } }
        let cheap = steady(frames(cost: 0.002, share: 0.035).frames)
        #expect(cheap.count >= 19 && cheap.count <= 21, "\(cheap.count) frames in a second")
        let dearer = steady(frames(cost: 0.0035, share: 0.035).frames)
        let gaps = zip(dearer.dropFirst(), dearer).map { $0 - $1 }
        #expect(!gaps.isEmpty && gaps.allSatisfy { $0 >= 0.099 }, "one frame per 100 ms: \(gaps)")
    }

    /// The operator's key is drawn at once, neither at the data's pace nor at the next frame slot.
    @Test func aKeyIsDrawnAtOnceWhateverThePace() throws {
        let paced = frames(cost: 0.01, share: 0.05)
        let key = try #require(paced.keyReadAt)
        let next = try #require(paced.frames.first { $0 >= key })
        #expect(next - key <= 0.002, "drawn at once, not at the next frame slot: key at \(key), frame at \(next)")
    }

    /// A cheap frame is never held back beyond the frame rate, and an expensive one never past half a second.
    @Test func thePaceStaysBetweenTheFrameRateAndHalfASecond() {
        let cheap = frames(cost: 0.0001, share: 0.05).frames.filter { $0 > 0.5 && $0 < 1.4 }
        #expect(cheap.count >= 20)
        let dear = frames(cost: 0.2, share: 0.05).frames.filter { $0 > 0.5 && $0 < 2.9 }
        let gaps = zip(dear.dropFirst(), dear).map { $0 - $1 }
        #expect(!gaps.isEmpty && gaps.allSatisfy { $0 <= 0.5 + 0.2 + 0.011 }, "\(gaps)")
    }
}

/// A virtual clock on which looking at the time costs time: each reading is a millisecond later, as if the loop
/// were busy reducing between readings.
final class BusyClock: RuntimeClock {
    private(set) var elapsed = 0.0
    func now() -> Double { 1_800_000_000 + elapsed }
    func monotonic() -> Double {
        elapsed += 0.001
        return elapsed
    }
    func wait(for descriptors: [Int32], until deadline: Double) -> (events: [Int16], interrupted: Bool) {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        _ = poll(&fds, nfds_t(fds.count), 0)
        let events = fds.map(\.revents)
        if !events.contains(where: { $0 != 0 }), deadline.isFinite, deadline > elapsed { elapsed = deadline }
        return (events, false)
    }
}

/// A backlog of 2,000 messages all at once; the key is pressed while the 100th is reduced.
final class BacklogSource: ActionSource {
    private var given = false
    var descriptor: Int32? { nil }
    var drivesTimers: Bool { false }
    func take(now: Double) -> [Action] {
        guard !given else { return [] }
        given = true
        return (0..<2000).map { .received(generation: 0, items: [], at: 1_800_000_000 + Double($0) / 1000) }
    }
    func nextDue(now: Double) -> Double? { nil }
    func intercept(_ key: Key, state: State, now: Double) -> Bool { false }
    func takeRestart() -> State? { nil }
    var exhausted: Bool { given }
}

final class KeyDuringBacklog: Frontend {
    let keys = KeyPipe()
    private(set) var observed = 0
    private(set) var observedWhenKeyRead: Int?

    var inputDescriptor: Int32? { keys.read }
    var wantsToStop: Bool { observed >= 2000 && observedWhenKeyRead != nil }

    func observe(_ action: Action, previous: [ConnectionState], state: State) {
        guard case .received = action else { return }
        observed += 1
        if observed == 100 { keys.press() }
    }

    func readInput(state: State) -> [Action] {
        guard keys.take() else { return [] }
        observedWhenKeyRead = observed
        return [.key(.character("j"))]
    }

    func present(state: State) {}
}

struct WorkSliceTests {
    /// Under a flood the loop reduces in slices of about 10 ms and looks at the keyboard between them: a key
    /// pressed early in a 2,000-message backlog is read long before the backlog's end, and nothing is lost.
    @Test func aKeyIsReadBetweenSlicesOfABacklog() throws {
        let screen = KeyDuringBacklog()
        let state = State(settings: Settings(url: "ws://sliced/ws"), topics: [.drifts])
        Runtime(state: state, source: BacklogSource(), connection: NoConnection(), frontend: screen, clock: BusyClock()).run()
        let readAt = try #require(screen.observedWhenKeyRead)
        #expect(readAt >= 100 && readAt < 400, "the key was read after \(readAt) of 2,000 messages")
        #expect(screen.observed == 2000, "every message reduced: \(screen.observed)")
    }
}

/// Data frames paced to the terminal link, keys not: on a virtual clock, with data arriving all the time and
/// every frame costing 4 KB on a 120x40 screen.
struct LinkPacingTests {
    /// A screen that reads one key from a pipe when told to, and notes every frame: when, and whether it was a
    /// key's (no byte limit) or data's.
    final class PacedScreen: Frontend {
        let clock: VirtualClock
        let inbox: Inbox
        var frames: [(at: Double, key: Bool)] = []
        var keyReadAt: Double?
        let keys: [Int32]
        var sent = 0

        init(clock: VirtualClock, inbox: Inbox) {
            self.clock = clock
            self.inbox = inbox
            var ends: [Int32] = [0, 0]
            _ = pipe(&ends)
            // Read without waiting: the runtime asks for input before any key was pressed.
            _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
            keys = ends
        }

        var inputDescriptor: Int32? { keys[0] }
        var wantsToStop: Bool { frames.count >= 40 || clock.monotonic() > 60 }

        func readInput(state: State) -> [Action] {
            var byte: UInt8 = 0
            guard read(keys[0], &byte, 1) == 1 else { return [] }
            keyReadAt = clock.monotonic()
            return [.key(.character("?"))]
        }

        func present(state: State) { present(state: state, byteLimit: nil) }

        func present(state: State, byteLimit: Int?) {
            frames.append((clock.monotonic(), byteLimit == nil))
            // More data keeps arriving; after the fifth frame, a key is pressed.
            sent += 1
            let line = #"{"type":"data","topic":"drift","data":{"resource_id":"i-\#(sent)","resource_type":"aws_instance","severity":"high","attribute":"ami","old_value":"a","new_value":"b"}}"#
            inbox.post(.frameReceived(generation: 1, bytes: Array(line.utf8), at: clock.now()))
            if frames.count == 5 { _ = write(keys[1], "?", 1) }
            clock.advance(by: 0.001)
        }

        func takeFrameOutput() -> FrameOutput? { FrameOutput(bytes: 4_000, seconds: 0, cells: 120 * 40) }
    }

    @Test func aKeysFrameGoesOutAtOnceAndDataFramesArePacedToTheBudget() throws {
        let clock = VirtualClock()
        let inbox = Inbox()
        let screen = PacedScreen(clock: clock, inbox: inbox)
        let connection = ScriptedConnection(inbox: inbox, clock: clock, upgrade: .opens)
        let state = State(settings: Settings(url: "ws://scripted/ws"), topics: [.drifts])
        Runtime(state: state, source: inbox, connection: connection, frontend: screen, clock: clock).run()

        let keyAt = try #require(screen.keyReadAt)
        let afterKey = try #require(screen.frames.first { $0.at >= keyAt })
        #expect(afterKey.key, "the first frame after the key is the key's, not a data frame queued before it")
        #expect(afterKey.at - keyAt < 0.01, "and it goes at once: \(afterKey.at - keyAt) s")
        // 4 KB a frame against 1.2 bytes a cell a second (5.76 KB/s at 120x40): about 0.69 s between data frames,
        // and the key's frame is paid for by a longer pause after it.
        let data = screen.frames.dropFirst(2).filter { !$0.key }
        let gaps = zip(data.dropFirst(), data).map { $0.at - $1.at }
        #expect(!gaps.isEmpty && gaps.allSatisfy { $0 >= 0.68 }, "\(gaps)")
        let firstDataAfterKey = try #require(screen.frames.first { $0.at > afterKey.at && !$0.key })
        #expect(firstDataAfterKey.at - afterKey.at >= 0.68, "the key's 4 KB are paid for before data goes on")
    }
}

/// The pacer alone: its budget, what a full link teaches it, and data frames in pieces.
struct LinkPacerTests {
    @Test func aFullLinkLowersTheBudgetHoldsDataAndGrowsBackWithoutWaits() {
        let pacer = LinkPacer()
        pacer.record(FrameOutput(bytes: 2_000, seconds: 0, cells: 4_800), at: 0, input: false)
        #expect(pacer.pieceBytes == 1_920, "a third of a second of 5,760 B/s")
        #expect(pacer.pieceLimit(at: 0.1) == 1_920, "while data keeps coming, in pieces")
        #expect(pacer.pieceLimit(at: 1.5) == nil, "after a quiet second with nothing owed, whole")
        #expect(abs(pacer.nextDataFrame(after: 0) - 2_000 / 5_760) < 1e-9)
        // Writing 3,000 bytes took a second: the buffer was full and the link drains 3 KB/s.
        pacer.record(FrameOutput(bytes: 3_000, seconds: 1, cells: 4_800), at: 10, input: false)
        #expect(pacer.measuredRate == 3_000)
        #expect(abs(pacer.budget - 1_800) < 1e-9, "60 % of what the link carries")
        #expect(pacer.nextDataFrame(after: 10) >= 10 + 5, "held while a full buffer drains (at most 5 s)")
        #expect(pacer.pieceBytes == 1_024)
        // Twenty seconds without a wait: a quarter more, up to the screen's own budget, which ends the measurement.
        pacer.record(FrameOutput(bytes: 100, seconds: 0, cells: 4_800), at: 31, input: false)
        #expect(abs(pacer.budget - 2_250) < 1e-9)
        for step in 1...10 { pacer.record(FrameOutput(bytes: 100, seconds: 0, cells: 4_800), at: 31 + Double(step) * 21, input: false) }
        #expect(pacer.measuredRate == nil && abs(pacer.budget - 5_760) < 1e-9)
    }
}
