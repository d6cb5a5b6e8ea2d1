import Testing
import TFDriftCore
import TFDriftView
import TFDriftNetwork
import TFDriftRuntime
import TFDriftSimulator
import TFDriftWire

/// One step of a scenario: wait until `until` holds for the state, then post `then`'s actions.
struct Step {
    var name: String
    var until: (State) -> Bool
    var then: (State) -> [Action] = { _ in [] }
    /// Direct use of the client, for what no action expresses (probing the wire itself).
    var perform: (State, WebSocketClient) -> Void = { _, _ in }
}

/// A frontend that walks through steps as the real runtime reduces real network traffic.
/// The deadline bounds a failure; success ends the run as soon as the last step holds.
final class ScriptedFrontend: Frontend {
    let inbox: Inbox
    let client: WebSocketClient
    var steps: [Step]
    private(set) var completed = 0
    let started = SystemClock.monotonic()
    let deadline: Double
    /// Seconds from the start at which each step held, so a timeout shows a slow run apart from a stuck one.
    private(set) var heldAt: [Double] = []
    var onAction: ((Action, State) -> Void)?

    init(inbox: Inbox, client: WebSocketClient, steps: [Step], timeout: Double) {
        self.inbox = inbox
        self.client = client
        self.steps = steps
        self.deadline = SystemClock.monotonic() + timeout
    }

    var inputDescriptor: Int32? { nil }
    func readInput(state: State) -> [Action] { [] }
    func present(state: State) {}

    var timedOut: Bool { SystemClock.monotonic() >= deadline }
    var wantsToStop: Bool { completed == steps.count || timedOut }

    func observe(_ action: Action, previous: [ConnectionState], state: State) {
        onAction?(action, state)
        while completed < steps.count, steps[completed].until(state) {
            for next in steps[completed].then(state) { inbox.post(next) }
            steps[completed].perform(state, client)
            heldAt.append(SystemClock.monotonic() - started)
            completed += 1
        }
    }

    var pendingStep: String { completed < steps.count ? steps[completed].name : "none" }
}

/// Runs the real runtime against `url` until every step held (or the timeout passed); returns the final state.
@discardableResult
func runScenario(
    url: String, topics: Set<Topic>, timeout: Double = 20, steps: [Step], onAction: ((Action, State) -> Void)? = nil,
    configure: (inout Settings) -> Void = { _ in }, clientOptions: WebSocketClient.Options = WebSocketClient.Options(),
    initial: State? = nil, recorder: ((State) -> Recorder?)? = nil, sourceLocation: SourceLocation = #_sourceLocation
) -> State {
    let inbox = Inbox()
    var state = initial ?? State(settings: Settings(url: url), topics: topics)
    for index in state.servers.indices { configure(&state.servers[index].settings) }
    let clients = inbox.clients(for: state) { _ in clientOptions }
    defer { for client in clients { client.shutdown() } }
    let frontend = ScriptedFrontend(inbox: inbox, client: clients[0], steps: steps, timeout: timeout)
    frontend.onAction = onAction
    let runtime = Runtime(state: state, inbox: inbox, clients: clients, frontend: frontend, recorder: recorder?(state))
    let final = runtime.run()
    let c = final.servers[0].connection
    #expect(
        frontend.completed == steps.count,
        """
        timed out waiting for: \(frontend.pendingStep); phase \(c.phase), generation \(c.generation), dialect \(String(describing: c.dialect)), \
        subscribed \(c.subscribed), subscriptions \(final.servers[0].connection.subscriptions), outbox \(final.servers[0].connection.outbox.count), drifts \(final.feed.drifts.count), \
        last close \(c.lastCloseReason ?? "-"), last error \(final.diagnostics.lastError.map { Wording.problem($0) { "#\($0)" } } ?? "-"); \
        steps held at \(frontend.heldAt.map { String(format: "%.1f s", $0) }) of \(timeout) s
        """, sourceLocation: sourceLocation)
    return final
}

func startServer(_ dialect: Dialect, rate: Double = 300, configure: (inout SimulatorOptions) -> Void = { _ in }) throws -> (DemoServer, String) {
    var options = SimulatorOptions(port: 0, dialect: dialect, rate: rate)
    configure(&options)
    let server = DemoServer(options: options)
    let port = try server.start()
    return (server, "ws://127.0.0.1:\(port)/ws")
}
