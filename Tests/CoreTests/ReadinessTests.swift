import Testing
@testable import TFDriftCore
import TFDriftWire

/// A server can be up and blind: `/health` says `degraded` with `falco: disconnected` while the WebSocket is open.
struct ReadinessTests {
    static func health(_ status: String?, _ checks: [(String, String)]) -> RestOutcome {
        var data: [(key: String, value: JSONValue)] = [("version", "0.14.0")]
        if let status { data.append(("status", .string(status))) }
        if !checks.isEmpty { data.append(("checks", .object(JSONObject(checks.map { (key: $0.0, value: JSONValue.string($0.1)) })))) }
        return .body(["success": true, "data": .object(JSONObject(data))])
    }

    static func opened(servers names: [String]) -> State {
        var state = State(servers: names.map { ServerState(name: $0, settings: Settings(url: "ws://\($0)/ws"), topics: [.drifts]) })
        _ = Reducer.reduce(&state, .started(at: 100))
        for k in names.indices { _ = Reducer.reduce(&state, .server(k, .connectionOpened(generation: 1, at: 100))) }
        return state
    }

    @Test func readinessIsAskedOnOpenAndEveryIntervalWhileTheServerCanBeRead() {
        var state = Self.opened(servers: ["a"])
        #expect(state.servers[0].rest.lastHealthRequest == 100)
        #expect(!Reducer.reduce(&state, .tick(at: 129)).contains(.fetch(.health)))
        #expect(Reducer.reduce(&state, .tick(at: 130)).contains(.fetch(.health)))
        #expect(!Reducer.reduce(&state, .tick(at: 131)).contains(.fetch(.health)))
    }

    @Test func degradedThenConnectedAgainIsNotedOnceEachWayAndKeepsItsStart() {
        var store = StoreTester(state: Self.opened(servers: ["a"]))
        store.send(.restResponse(.health, Self.health("ok", [("falco", "connected")]), at: 101)) {
            $0.now = 101
            $0.servers[0].rest.serverVersion = "0.14.0"
            $0.servers[0].rest.everAnswered = true
            $0.servers[0].rest.readiness = .ready(checks: [ReadinessCheck(name: "falco", value: "connected")])
        }
        let blind = Readiness.degraded(checks: [ReadinessCheck(name: "falco", value: "disconnected")], since: 130)
        store.send(.restResponse(.health, Self.health("degraded", [("falco", "disconnected")]), at: 130)) {
            $0.now = 130
            $0.servers[0].rest.readiness = blind
            $0.diagnostics.lastError = Problem(at: 130, .serverBlind(failing: "falco disconnected"))
            $0.diagnostics.problems.append(Problem(at: 130, .serverBlind(failing: "falco disconnected")))
        }
        // Still blind half a minute later: the same since, nothing noted again.
        store.send(.restResponse(.health, Self.health("degraded", [("falco", "disconnected")]), at: 160)) { $0.now = 160 }
        store.send(.restResponse(.health, Self.health("ok", [("falco", "connected")]), at: 190)) {
            $0.now = 190
            $0.servers[0].rest.readiness = .ready(checks: [ReadinessCheck(name: "falco", value: "connected")])
            $0.diagnostics.problems.append(Problem(at: 190, .serverSeesAgain(status: "ok")))
        }
    }

    @Test func aServerWithoutReadinessIsUnknownNotAnError() {
        var state = Self.opened(servers: ["a"])
        _ = Reducer.reduce(&state, .restResponse(.health, .failure(status: 404, message: "404 page not found"), at: 101))
        #expect(state.servers[0].rest.readiness == .unknown)
        #expect(state.diagnostics.problems.count == 0 && state.diagnostics.errorCount == 0)
        _ = Reducer.reduce(&state, .restResponse(.health, Self.health(nil, []), at: 131))
        #expect(state.servers[0].rest.readiness == .unknown, "an answer without status or checks says nothing of readiness")
    }

    /// Unknown check names and values are kept as they came (cleaned, capped), and decide by their value.
    @Test func unknownChecksAreShownAsTheyCome() {
        var state = Self.opened(servers: ["a"])
        let hostile = "\u{1B}[2Jk8s\u{202E}" + String(repeating: "x", count: 500)
        _ = Reducer.reduce(&state, .restResponse(.health, Self.health("ok", [("falco", "disabled"), (hostile, "lagging")]), at: 101))
        guard case .degraded(let checks, _) = state.servers[0].rest.readiness else {
            Issue.record("a check that is not fine makes the server blind: \(state.servers[0].rest.readiness)")
            return
        }
        #expect(checks.count == 2 && checks[0].ok && !checks[1].ok)
        #expect(TerminalSafety.isClean(checks[1].name) && checks[1].name.utf8.count <= 43)
    }

    /// Two servers, one blind: only it is marked.
    @Test func onlyTheBlindServerIsBlind() {
        var state = Self.opened(servers: ["prod", "staging"])
        _ = Reducer.reduce(&state, .server(0, .restResponse(.health, Self.health("ok", [("falco", "connected")]), at: 101)))
        _ = Reducer.reduce(&state, .server(1, .restResponse(.health, Self.health("degraded", [("falco", "disconnected")]), at: 101)))
        #expect(!state.servers[0].rest.readiness.isBlind && state.servers[1].rest.readiness.isBlind)
        #expect(state.diagnostics.problems[0] == Problem(at: 101, .serverBlind(failing: "falco disconnected"), server: 1))
    }
}
