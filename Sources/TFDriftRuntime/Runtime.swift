#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import TFDriftCore
import TFDriftNetwork
import TFDriftWire

/// What the main loop drives: the ncurses dashboard or the headless `tail` printer.
public protocol Frontend: AnyObject {
    /// A descriptor to poll for input (stdin for the dashboard), or nil.
    var inputDescriptor: Int32? { get }
    /// Reads whatever input is ready (also called after a signal interrupted the wait, e.g. SIGWINCH).
    func readInput(state: State) -> [Action]
    /// Called after each action is reduced; `previous` holds every server's connection before it.
    func observe(_ action: Action, previous: [ConnectionState], state: State)
    /// Draws the state; called at most `maximumFramesPerSecond` times a second and only after a change.
    func present(state: State)
    /// The frontend's own reason to stop (tail's `--count` / `--duration`).
    var wantsToStop: Bool { get }
    /// The terminal changed size (SIGWINCH).
    func terminalResized()
    /// Puts text on the terminal's clipboard (the dashboard writes OSC 52; `tail` has no terminal to ask).
    func copyToClipboard(_ text: String)
    /// Rings the bell or flashes the screen.
    func alert(_ kind: KioskSettings.Alert)
    /// A monotonic time the loop must wake at even if nothing happens (`tail --duration`).
    var wakeAt: Double? { get }
    /// Actions the frontend owes the store after a batch was reduced: the dashboard reports a layout whose
    /// page sizes changed (a maximised pane, a State pane that gave its room away).
    func settle(state: State) -> [Action]
    /// What the last `present` wrote to the terminal, for pacing data frames to the link (nil: no terminal).
    func takeFrameOutput() -> FrameOutput?
    /// Draws the state writing at most about `byteLimit` bytes (nil: all); what did not fit goes with the next call.
    func present(state: State, byteLimit: Int?)
}

extension Frontend {
    public func observe(_ action: Action, previous: [ConnectionState], state: State) {}
    public func terminalResized() {}
    public func copyToClipboard(_ text: String) {}
    public func alert(_ kind: KioskSettings.Alert) {}
    public func settle(state: State) -> [Action] { [] }
    public var wakeAt: Double? { nil }
    public func takeFrameOutput() -> FrameOutput? { nil }
    public func present(state: State, byteLimit: Int?) { present(state: state) }
}

/// The one loop that owns the state: it takes actions from its source, reduces each, runs the effects and
/// presents the result. Everything that arrived between two frames is reduced before one redraw. Time, the
/// source and the connection are injected: live runs use the system clock, the inbox and the WebSocket client;
/// a replay uses a recording and no connection; tests can use a `VirtualClock`.
public final class Runtime {
    public private(set) var state: State
    let source: ActionSource
    /// One per server, in the state's order.
    let connections: [Connection]
    let frontend: Frontend
    let clock: RuntimeClock
    let maximumFramesPerSecond: Double
    /// The share of a core redraws for arriving data may take (nil: no limit). Keys and resizes redraw at once;
    /// data waits so that the frames' measured cost stays within this share, but never more than half a second:
    /// a 400x120 wall screen at 50 events/s need not burn a core to move its rows 30 times a second.
    let drawingShare: Double?
    /// Moving average of what one `present` costs (processor seconds of this thread).
    private var frameCost = 0.0
    /// Frames drawn so far: with the messages received, what the session summary in the log reports.
    public private(set) var framesPresented = 0
    private var inputChanged = false
    /// Actions taken from the source but not yet reduced: under a flood, work is done in slices so the
    /// operator's next key is read within one slice, not after the whole backlog.
    private var carried: [Action] = []
    /// The longest stretch of reducing between two looks at the keyboard (a screen with input only).
    static let workSlice = 0.010
    let tickInterval: Double
    /// `--log-file`: connection changes and problems.
    let logger: Logger?
    /// `--record`: what reaches the store, for a replay.
    let recorder: Recorder?
    private var timers: [(due: Double, action: Action)] = []
    private var lastPresented = -Double.infinity
    /// Data frames paced to what the terminal link carries (keys are not).
    let pacer = LinkPacer()
    private var dirty = true
    private var stopped = false

    public init(
        state: State, source: ActionSource, connections: [Connection], frontend: Frontend, clock: RuntimeClock = SystemRuntimeClock(),
        maximumFramesPerSecond: Double = 30, drawingShare: Double? = nil, tickInterval: Double = 1, logger: Logger? = nil,
        recorder: Recorder? = nil
    ) {
        precondition(connections.count == state.servers.count, "one connection per server")
        self.drawingShare = drawingShare
        self.state = state
        self.source = source
        self.connections = connections
        self.frontend = frontend
        self.clock = clock
        self.maximumFramesPerSecond = maximumFramesPerSecond
        self.tickInterval = tickInterval
        self.logger = logger
        self.recorder = recorder
    }

    /// One server (or a replay, whose one `NoConnection` stands for every server).
    public convenience init(
        state: State, source: ActionSource, connection: Connection, frontend: Frontend, clock: RuntimeClock = SystemRuntimeClock(),
        maximumFramesPerSecond: Double = 30, drawingShare: Double? = nil, tickInterval: Double = 1, logger: Logger? = nil,
        recorder: Recorder? = nil
    ) {
        self.init(
            state: state, source: source, connections: Array(repeating: connection, count: state.servers.count), frontend: frontend,
            clock: clock, maximumFramesPerSecond: maximumFramesPerSecond, drawingShare: drawingShare, tickInterval: tickInterval,
            logger: logger, recorder: recorder)
    }

    /// Live: the network through `inbox`, effects to one client per server.
    public convenience init(
        state: State, inbox: Inbox, clients: [WebSocketClient], frontend: Frontend, maximumFramesPerSecond: Double = 30,
        drawingShare: Double? = nil, tickInterval: Double = 1, logger: Logger? = nil, recorder: Recorder? = nil
    ) {
        self.init(
            state: state, source: inbox, connections: clients, frontend: frontend, maximumFramesPerSecond: maximumFramesPerSecond,
            drawingShare: drawingShare, tickInterval: tickInterval, logger: logger, recorder: recorder)
    }

    /// Data frames come at least this often whenever that costs at most `smoothShare` of a core (frames of up to
    /// 3 ms): a terminal-sized screen under a flood keeps moving smoothly, while a wall screen, whose frames cost
    /// several times more, stays paced by `drawingShare`.
    static let smoothInterval = 1.0 / 20
    static let smoothShare = 0.06

    /// How long after the last frame the next may be drawn: at once for the operator's input, paced for data.
    var frameInterval: Double {
        // The operator's input is drawn at once: waiting for the next frame slot added up to a frame time (33 ms)
        // to every key, and most of it under a flood, when a data frame had always just been drawn.
        if inputChanged { return 0 }
        let fastest = 1 / maximumFramesPerSecond
        var byCost = fastest
        if let drawingShare {
            var paced = frameCost / drawingShare
            if frameCost <= Runtime.smoothShare * Runtime.smoothInterval { paced = min(paced, Runtime.smoothInterval) }
            byCost = min(max(fastest, paced), 0.5)
        }
        // And no faster than the terminal link carries them.
        guard lastPresented.isFinite else { return byCost }
        return max(byCost, pacer.nextDataFrame(after: lastPresented) - lastPresented)
    }

    public convenience init(
        state: State, inbox: Inbox, client: WebSocketClient, frontend: Frontend, maximumFramesPerSecond: Double = 30,
        tickInterval: Double = 1, logger: Logger? = nil, recorder: Recorder? = nil
    ) {
        self.init(
            state: state, inbox: inbox, clients: [client], frontend: frontend, maximumFramesPerSecond: maximumFramesPerSecond,
            tickInterval: tickInterval, logger: logger, recorder: recorder)
    }

    /// Runs until the state says quit, the frontend wants to stop or the source is exhausted; returns the final
    /// state.
    @discardableResult
    public func run() -> State {
        let live = source.drivesTimers
        let started = clock.monotonic()
        var nextTick = started + tickInterval
        if live { dispatch(.started(at: clock.now())) }
        // The frontend's first word: the terminal's size, before anything is drawn.
        for action in frontend.readInput(state: state) { dispatch(action) }
        for action in frontend.settle(state: state) { dispatch(action) }
        while !stopped && !state.quitting && !frontend.wantsToStop && (!source.exhausted || !carried.isEmpty) {
            let now = clock.monotonic()
            var deadline = min(live ? nextTick : .infinity, timers.map(\.due).min() ?? .infinity)
            if let due = source.nextDue(now: now) { deadline = min(deadline, due) }
            if let wake = frontend.wakeAt { deadline = min(deadline, wake) }
            if dirty { deadline = min(deadline, lastPresented + frameInterval) }
            if !carried.isEmpty { deadline = min(deadline, now) }
            var descriptors: [Int32] = []
            if let fd = source.descriptor { descriptors.append(fd) }
            let inputDescriptor = frontend.inputDescriptor
            if let inputDescriptor { descriptors.append(inputDescriptor) }
            let (events, interrupted) = clock.wait(for: descriptors, until: deadline)
            let inputEvents = inputDescriptor == nil ? 0 : events.last ?? 0

            let arrived = source.take(now: clock.monotonic())
            var input: [Action] = []
            if SignalTrap.takeQuit() != nil { input.append(.command(.quit)) }
            if SignalTrap.takeResize() {
                frontend.terminalResized()
                input += frontend.readInput(state: state)
                dirty = true
                inputChanged = true
            }
            if inputDescriptor != nil, inputEvents != 0 || interrupted {
                if inputEvents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 && inputEvents & Int16(POLLIN) == 0 {
                    input.append(.command(.quit))  // the terminal went away
                } else {
                    input += frontend.readInput(state: state)
                    dirty = true  // a resize needs a redraw even without a state change
                    inputChanged = true
                }
            }
            if var restart = source.takeRestart() {
                // Seeking backwards starts over; what the viewer set up on screen stays.
                restart.ui = state.ui
                state = restart
                carried = []  // what was left of the old run's slice belongs to the time left behind
                dirty = true
            }
            let after = clock.monotonic()
            // The operator's input first, and its frame at once: under a flood, the backlog of messages must not
            // stand between a key and the screen that answers it.
            var intercepted = false
            for action in input {
                // A replay's controls are the source's, everything else is the store's; decided key by key as
                // each is reached, so a space typed right after `:` goes to the palette `:` opened.
                if case .key(let key) = action, source.intercept(key, state: state, now: clock.monotonic()) {
                    intercepted = true
                    continue
                }
                dispatch(action)
            }
            // What a replay control changed (paused, the speed, the position) is part of that key's frame, not of
            // the next data frame, which the link may pace to a second later.
            if intercepted {
                for action in source.take(now: clock.monotonic()) { dispatch(action) }
            }
            if inputChanged {
                for action in frontend.settle(state: state) { dispatch(action) }
                if dirty { presentFrame(at: after) }
            }
            var actions = carried + arrived
            carried = []
            let due = timers.filter { $0.due <= after }
            if !due.isEmpty {
                timers.removeAll { $0.due <= after }
                actions += due.sorted { $0.due < $1.due }.map(\.action)
            }
            if live, after >= nextTick {
                actions.append(.tick(at: clock.now()))
                nextTick = after + tickInterval
            }
            let sliceStarted = clock.monotonic()
            for (index, action) in actions.enumerated() {
                // A backlog under a flood is a quarter of a second of work: `--duration` and `--count` end
                // between its messages, not after it, and a screen looks at the keyboard between slices of it.
                if frontend.wantsToStop || state.quitting { break }
                if inputDescriptor != nil, index % 16 == 15, clock.monotonic() - sliceStarted > Self.workSlice {
                    carried = Array(actions[index...])
                    break
                }
                dispatch(action)
            }
            for action in frontend.settle(state: state) { dispatch(action) }
            if dirty, after - lastPresented >= frameInterval - 0.001 { presentFrame(at: after) }
        }
        frontend.present(state: state)
        recorder?.flush()
        if let logger {
            EventLog.summary(logger, frames: framesPresented, frameCost: frameCost, seconds: clock.monotonic() - started, state: state)
        }
        return state
    }

    /// Draws the state and notes what drawing cost, for the pace of the next data frames.
    func presentFrame(at time: Double) {
        let started = clock.workTime()
        // A key's frame goes whole and at once; a data frame in pieces the link can carry.
        frontend.present(state: state, byteLimit: inputChanged ? nil : pacer.pieceLimit(at: time))
        let cost = clock.workTime() - started
        frameCost = frameCost == 0 ? cost : frameCost * 0.8 + cost * 0.2
        let output = frontend.takeFrameOutput()
        if let output { pacer.record(output, at: time, input: inputChanged) }
        lastPresented = time
        framesPresented += 1
        dirty = output.map { !$0.complete } ?? false
        inputChanged = false
    }

    /// A message recorded (or to be recorded) as bytes becomes the items it holds, through the same `Ingest` the
    /// network thread uses; every other action stays as it is. `keepingRaw: false` as the store keeps none (tail).
    public static func decoded(_ action: Action, keepingRaw: Bool = true) -> Action {
        if case .server(let index, let inner) = action { return .server(index, decoded(inner, keepingRaw: keepingRaw)) }
        guard case .frameReceived(let generation, let bytes, let at) = action else { return action }
        return .received(generation: generation, items: Ingest.items(fromFrame: bytes, receivedAt: at, keepingRaw: keepingRaw), at: at)
    }

    func dispatch(_ original: Action) {
        let action = Runtime.decoded(original, keepingRaw: state.feed.keepsRawLines)
        let previous = state.servers.map(\.connection)
        let problemsBefore = state.diagnostics.problems.nextSeq
        // Only a user's action can change topics or filters; copying the state for every message would make the
        // reducer copy the histories it appends to.
        var before: State?
        if recorder != nil {
            switch action {
            case .key, .command: before = state
            default: break
            }
        }
        let effects = Reducer.reduce(&state, action)
        if let recorder { recorder.record(original, before: before ?? state, after: state, now: clock.now()) }
        frontend.observe(action, previous: previous, state: state)
        if let logger { EventLog.record(logger, previous: previous, problemsBefore: problemsBefore, state: state) }
        dirty = true
        for effect in effects { run(effect) }
    }

    /// Runs an effect; one addressed to a server reaches that server's connection, and its timer's action comes
    /// back addressed to it.
    func run(_ effect: Effect, server: Int = 0, addressed: Bool = false) {
        let connection = connections[connections.indices.contains(server) ? server : 0]
        switch effect {
        case .server(let index, let inner):
            guard connections.indices.contains(index) else { return }
            run(inner, server: index, addressed: true)
        case .connect(let generation, let url):
            connection.connect(generation: generation, url: url)
        case .send(let generation, let message):
            connection.send(generation: generation, message)
        case .disconnect(let generation):
            connection.disconnect(generation: generation)
        case .abort(let generation):
            connection.abort(generation: generation)
        case .fetch(let request):
            connection.fetch(request, url: state.servers[server].settings.url)
        case .schedule(let after, let action):
            // A recording holds the timers' actions where they fired.
            let due = addressed ? Action.server(server, action) : action
            if source.drivesTimers { timers.append((due: clock.monotonic() + after, action: due)) }
        case .alert(let kind):
            frontend.alert(kind)
        case .copyToClipboard(let text):
            frontend.copyToClipboard(text)
        case .writeFile(let typed, let lines):
            // A path typed in the palette, as a shell would read it: `~/x` and `$HOME/x` are in the home folder.
            let path = FileOutput.expandingHome(typed, home: getenv("HOME").map { String(cString: $0) })
            let error = FileOutput.save(lines: lines, to: path)
            dispatch(.exported(path: Sanitizer.clean(path, limit: 400), lines: lines.count, error: error))
        case .quit:
            stopped = true
        }
    }
}
