import Testing
@testable import TFDriftCore
import TFDriftNetwork
import TFDriftSimulator
import TFDriftWire

/// Faults injected into the simulator, recovered from by the real client over loopback.
@Suite(.serialized)
struct RecoveryTests {
    /// Fast policies so recovery takes moments, not the production half-minute.
    static func quick(_ s: inout Settings) {
        s.backoff = BackoffPolicy(base: 0.05, factor: 2, cap: 0.4)
        s.pollInterval = 0.3
        s.statsInterval = 0.5
    }

    /// One simulator restarted in place: `kill` drops every client without a close frame and forgets everything
    /// (like a restarted process), `start` lets clients in again. The port is never released, so nothing else
    /// can take it while the server is "down".
    final class Servers: @unchecked Sendable {
        let server: DemoServer
        var logs: [[String]] = []

        init(_ server: DemoServer) { self.server = server }

        func kill() {
            logs.append(server.receivedMessages)
            server.goDown()
        }

        func start() { server.comeBack() }
    }

    @Test func fiveRestartsMidStream() throws {
        // 100/s keeps the backfill after each restart small; on a loaded CI machine one round at 300/s took
        // long enough that the whole run met the deadline midway (the deadline only bounds a failure).
        let (server, url) = try startServer(.real, rate: 100)
        defer { server.stop() }
        let servers = Servers(server)
        var steps: [Step] = []
        var seen = 0
        for round in 1...5 {
            steps.append(Step(name: "round \(round): receiving", until: { s in s.feed.drifts.count >= seen + 5 && s.servers[0].rest.openGap == nil }, perform: { s, _ in
                seen = s.feed.drifts.count
                servers.kill()
            }))
            steps.append(Step(name: "round \(round): loss noticed", until: { $0.servers[0].connection.phase != .open }, then: { _ in
                // Issued while down: must reach the next server exactly once, after the resubscription.
                [.command(.send(.query(["round": .number(Double(round)), "n": 1]))), .command(.send(.query(["round": .number(Double(round)), "n": 2])))]
            }))
            steps.append(Step(name: "round \(round): queued", until: { $0.servers[0].connection.outbox.count == 2 }, perform: { _, _ in servers.start() }))
            steps.append(Step(name: "round \(round): back and resubscribed") { s in
                s.servers[0].connection.phase == .open && s.servers[0].connection.subscriptions["drift"] == .acknowledged && s.servers[0].connection.outbox.isEmpty && s.feed.drifts.count > seen
            })
        }
        steps.append(Step(name: "final drifts, last gap backfilled", until: { $0.feed.drifts.count >= seen + 5 && $0.servers[0].rest.openGap == nil },
                          perform: { _, _ in servers.kill() }))
        let state = runScenario(url: url, topics: [.drifts], timeout: 180, steps: steps, configure: Self.quick)

        #expect(state.servers[0].connection.generation >= 6)
        // Every incarnation after the first got exactly: the subscription, then the two queued queries, in order.
        for (round, log) in servers.logs.dropFirst().enumerated() {
            let n = round + 1
            let expected = [#"{"type":"subscribe","topic":"drift"}"#,
                            #"{"type":"query","payload":{"round":\#(n),"n":1}}"#, #"{"type":"query","payload":{"round":\#(n),"n":2}}"#]
            #expect(Array(log.filter { !$0.contains(#""type":"ping""#) }) == expected, "server \(n + 1) received \(log)")
        }
        // No drift twice, though every reconnect backfilled from REST.
        let keys = (state.feed.drifts.oldestSeq!...state.feed.drifts.newestSeq!).map { DriftDigest(state.feed.drifts[$0]!) }
        #expect(Set(keys).count == keys.count)
        #expect(state.feed.gaps.count == 5, "gaps: \(state.feed.gaps) open: \(String(describing: state.servers[0].rest.openGap)) restarts: \(state.servers[0].rest.restartsDetected)")
        #expect(state.servers[0].rest.restartsDetected >= 1, "a restarted server's shorter drift list is noticed")
    }

    @Test func silentButOpenServerIsCaughtByTheWatchdog() throws {
        let (server, url) = try startServer(.real, rate: 50)
        defer { server.stop() }
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "receiving", until: { $0.feed.drifts.count >= 3 }, perform: { _, _ in server.setFaults(SimulatorFaults(silent: true)) }),
            Step(name: "declared dead", until: { $0.servers[0].connection.lastCloseReason?.contains("presumed dead") == true },
                 perform: { _, _ in server.setFaults(SimulatorFaults()) }),
            Step(name: "reconnected") { $0.servers[0].connection.generation >= 2 && $0.servers[0].connection.phase == .open && $0.servers[0].connection.subscriptions["drift"] == .acknowledged },
        ], configure: {
            Self.quick(&$0)
            $0.watchdog = 1
        })
        #expect(state.servers[0].connection.phase == .open)
    }

    @Test func http500OnUpgradeFallsBackToPollingAndReturns() throws {
        let (server, url) = try startServer(.real, rate: 200)
        defer { server.stop() }
        server.setFaults(SimulatorFaults(refuseUpgrade: 500))
        var sawPolling = false
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "polling after HTTP 500") { s in
                if s.servers[0].rest.polling { sawPolling = true }
                return s.servers[0].rest.polling && s.servers[0].connection.lastCloseReason?.contains("HTTP 500") == true
            },
            Step(name: "drifts arriving through REST", until: { $0.feed.drifts.count >= 5 }, perform: { _, _ in server.setFaults(SimulatorFaults()) }),
            Step(name: "back on the WebSocket") { s in s.servers[0].connection.phase == .open && !s.servers[0].rest.polling && s.servers[0].connection.subscriptions["drift"] == .acknowledged },
        ], configure: Self.quick)
        #expect(sawPolling)
        #expect(state.servers[0].connection.generation >= 2)
    }

    @Test func tooManyRequestsDelaysTheNextAttempt() throws {
        let (server, url) = try startServer(.real, rate: 10)
        defer { server.stop() }
        server.setFaults(SimulatorFaults(refuseUpgrade: 429, retryAfter: "1.5s"))
        var waited: Double?
        runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "refused with 429") { s in
                if case .backingOff(let until) = s.servers[0].connection.phase, s.servers[0].connection.lastCloseReason?.contains("429") == true {
                    waited = until - s.now
                    return true
                }
                return false
            },
        ], configure: Self.quick)
        #expect((waited ?? 0) >= 1.5 - 0.01, "backoff cap is 0.4 s, so only Retry-After explains \(waited ?? -1)")
    }

    @Test func unauthorisedStopsAndExplains() throws {
        let (server, url) = try startServer(.real, rate: 10)
        defer { server.stop() }
        server.setFaults(SimulatorFaults(refuseUpgrade: 401))
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "stopped") { if case .stopped = $0.servers[0].connection.phase { true } else { false } },
            Step(name: "a while later, still stopped") { $0.now - $0.startedAt >= 1.5 },
        ], configure: Self.quick)
        guard case .stopped(let why) = state.servers[0].connection.phase else { Issue.record("not stopped"); return }
        #expect(why == .unauthorized(credential: nil))
        #expect(state.servers[0].connection.generation == 1, "no automatic retries after 401")
    }

    @Test func aStalledHandshakeTimesOutAndIsRetried() throws {
        let (server, url) = try startServer(.real, rate: 10)
        defer { server.stop() }
        server.setFaults(SimulatorFaults(stallHandshake: true))
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "handshake timed out", until: { $0.servers[0].connection.lastCloseReason?.contains("no WebSocket handshake within") == true },
                 perform: { _, _ in server.setFaults(SimulatorFaults()) }),
            Step(name: "connected once the server answers") { $0.servers[0].connection.phase == .open && $0.servers[0].connection.subscriptions["drift"] == .acknowledged },
        ], configure: Self.quick, clientOptions: WebSocketClient.Options(handshakeTimeout: 0.5))
        #expect(state.servers[0].connection.generation >= 2)
    }

    @Test(arguments: [UInt16(1000), 1001, 1011, 1012, 1013])
    func serverCloseCodesAreRetried(code: UInt16) throws {
        let (server, url) = try startServer(.real, rate: 50)
        defer { server.stop() }
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "receiving", until: { $0.feed.drifts.count >= 2 }, perform: { _, _ in server.closeConnections(code: code, reason: "bye") }),
            Step(name: "close seen") { $0.servers[0].connection.lastCloseReason?.contains("server closed (\(code)") == true },
            Step(name: "reconnected") { $0.servers[0].connection.generation >= 2 && $0.servers[0].connection.phase == .open },
        ], configure: Self.quick)
        #expect(state.servers[0].connection.lastCloseReason?.contains("bye") == true)
    }
}
