import Testing
import TFDriftCore
import TFDriftNetwork
import TFDriftSimulator
import TFDriftWire

/// History on start against the simulator over loopback: the server already holds drifts when the client starts.
struct InvestigateLoopbackTests {
    @Test(arguments: Dialect.allCases)
    func historyOnStartShowsRecentDriftsAtOnce(dialect: Dialect) throws {
        let (server, url) = try startServer(dialect, rate: 0)
        defer { server.stop() }
        server.generate(400)
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [Step(name: "history loaded", until: { $0.rest.historyLoaded == 50 })],
            configure: { $0.historyOnStart = 50 })
        let drifts = (0..<state.feed.drifts.nextSeq).compactMap { state.feed.drifts[$0] }
        #expect(drifts.count == 50 && drifts.allSatisfy(\.history))
        #expect(Set(drifts.map { DriftDigest($0) }).count == 50, "no drift twice")
        #expect(state.rest.historyProblem == nil)
    }

    @Test func aServerWithoutTheEndpointStaysLiveOnly() throws {
        let (server, url) = try startServer(.real, rate: 200)
        defer { server.stop() }
        server.setFaults(SimulatorFaults(restMissing: true))
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [Step(name: "live drifts and a note", until: { $0.rest.historyProblem != nil && $0.feed.drifts.count >= 3 })],
            configure: { $0.historyOnStart = 50 })
        #expect(state.rest.historyProblem?.contains("404") == true)
        #expect(state.connection.phase == .open)
    }
}
