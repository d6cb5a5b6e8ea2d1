import Testing
@testable import TFDriftCore
import TFDriftNetwork
import TFDriftSimulator
import TFDriftWire

/// One dashboard's store and runtime against four simulators at once, over loopback: the real dialect, the
/// documented one, one in a crash loop (restarting every 2 s) and one answering 500 to every upgrade.
@Suite(.serialized)
struct MultiServerLoopbackTests {
    static let names = ["prod", "staging", "flaky", "legacy"]

    @Test func everyServerStaysLiveThroughTheFailureOfOne() throws {
        let prod = try startServer(.real, rate: 150)
        let staging = try startServer(.documented, rate: 150)
        let flaky = try startServer(.real, rate: 150) { $0.restartEvery = 2 }
        let legacy = try startServer(.real, rate: 50)
        legacy.0.setFaults(SimulatorFaults(refuseUpgrade: 500))
        let all = [prod, staging, flaky, legacy]
        defer { for (server, _) in all { server.stop() } }

        let initial = State(servers: zip(Self.names, all).map { name, server in
            ServerState(name: name, settings: Settings(url: server.1), topics: [.drifts, .events])
        })
        func drifts(_ s: State, from server: Int) -> [DriftRecord] {
            guard let oldest = s.feed.drifts.oldestSeq else { return [] }
            return (oldest...s.feed.drifts.newestSeq!).compactMap { s.feed.drifts[$0] }.filter { $0.server == server }
        }
        var flakyGenerations = Set<Int>()
        let state = runScenario(url: prod.1, topics: [], timeout: 120, steps: [
            Step(name: "every server's drifts arriving, legacy's by polling") { s in
                (0..<4).allSatisfy { drifts(s, from: $0).count >= 5 }
                    && s.servers[3].rest.polling && s.servers[3].connection.lastCloseReason?.contains("HTTP 500") == true
            },
            Step(name: "flaky restarted twice and was reconnected, resubscribed and backfilled each time") { s in
                let f = s.servers[2]
                return f.connection.opens >= 3 && f.connection.phase == .open && f.connection.subscriptions["drift"] == .acknowledged
                    && f.rest.openGap == nil && s.feed.gaps.filter { $0.server == 2 }.count >= 2
            },
        ], onAction: { _, s in flakyGenerations.insert(s.servers[2].connection.generation) }, configure: RecoveryTests.quick, initial: initial)

        // The healthy servers never noticed: one socket each, from start to end.
        for index in [0, 1] {
            #expect(state.servers[index].connection.opens == 1, "\(Self.names[index]) reconnected")
            #expect(state.servers[index].connection.generation == 1)
            #expect(state.servers[index].connection.phase == .open)
            #expect(state.servers[index].rest.openGap == nil)
        }
        #expect(state.servers[0].connection.dialect == .real)
        #expect(state.servers[1].connection.dialect == .documented)
        // Gaps only where the link broke.
        #expect(!state.feed.gaps.isEmpty)
        #expect(state.feed.gaps.allSatisfy { $0.server == 2 }, "gaps: \(state.feed.gaps.map(\.server))")
        #expect(flakyGenerations.count >= 3)
        // legacy was never upgraded; everything it showed came through REST.
        #expect(!state.servers[3].connection.everOpened)
        #expect(drifts(state, from: 3).allSatisfy { $0.backfilled })
        // No drift twice within a server, though every reconnect and every poll overlapped.
        for index in 0..<4 {
            let shown = drifts(state, from: index)
            let keys = shown.map(DriftDigest.init)
            let twice = Dictionary(grouping: shown, by: DriftDigest.init).values.filter { $0.count > 1 }
                .map { $0.map { "\($0.resourceID) at \($0.receivedAt) backfilled \($0.backfilled)" } }
            #expect(Set(keys).count == keys.count, "\(Self.names[index]) showed a drift twice: \(twice)")
        }
        // Counted per server and in total.
        #expect(state.servers.map(\.stats.total).reduce(0, +) == state.feed.stats.total)
        #expect(state.servers.allSatisfy { $0.stats.total > 0 })
        #expect(flaky.0.restarts >= 2)
    }
}
