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
            steps: [Step(name: "history loaded", until: { $0.servers[0].rest.historyLoaded == 50 })],
            configure: { $0.historyOnStart = 50 })
        let drifts = (0..<state.feed.drifts.nextSeq).compactMap { state.feed.drifts[$0] }
        #expect(drifts.count == 50 && drifts.allSatisfy(\.history))
        #expect(Set(drifts.map { DriftDigest($0) }).count == 50, "no drift twice")
        #expect(state.servers[0].rest.historyProblem == nil)
    }

    @Test func aServerWithoutTheEndpointStaysLiveOnly() throws {
        let (server, url) = try startServer(.real, rate: 200)
        defer { server.stop() }
        server.setFaults(SimulatorFaults(restMissing: true))
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [Step(name: "live drifts and a note", until: { $0.servers[0].rest.historyProblem != nil && $0.feed.drifts.count >= 3 })],
            configure: { $0.historyOnStart = 50 })
        #expect(state.servers[0].rest.historyProblem?.contains("404") == true)
        #expect(state.servers[0].connection.phase == .open)
    }
}

/// The palette's query, context on demand and the Terraform state summary, against the simulator on loopback.
struct ServerConversationLoopbackTests {
    /// The real server answers every query with an error "Query not implemented yet": the client shows it as the
    /// server's answer and does not count it as an error.
    @Test func aQueryRoundTripGetsTheServersAnswer() throws {
        let (server, url) = try startServer(.real, rate: 0)
        defer { server.stop() }
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [
                Step(name: "subscribed", until: { $0.servers[0].connection.subscribed }, then: { _ in
                    [.command(.openPalette)] + "query {\"resource_type\":\"aws_s3_bucket\"}".map { .key(.character($0)) } + [.key(.enter)]
                }),
                Step(name: "answered", until: { $0.servers[0].connection.query?.answer != nil }),
            ])
        #expect(state.servers[0].connection.query?.answer == .error("Query not implemented yet"))
        #expect(state.servers[0].connection.query?.request == "{\"resource_type\":\"aws_s3_bucket\"}")
        #expect(state.diagnostics.errorCount == 0)
        #expect(server.receivedMessages.contains { $0.contains("\"type\":\"query\"") && $0.contains("aws_s3_bucket") })
    }

    @Test func contextOfADriftIsFoundAndAnUnknownResourceIs404() throws {
        let (server, url) = try startServer(.real, rate: 0)
        defer { server.stop() }
        server.generate(30)
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [
                Step(name: "history", until: { $0.servers[0].rest.historyLoaded != nil && !$0.feed.drifts.isEmpty }, then: { s in
                    [.command(.openDetail), .command(.fetchContext)]
                }),
                Step(name: "context answered", until: { s in
                    guard let c = s.ui.detail?.context else { return false }
                    return c.drift != .loading && c.declared != .loading
                }),
            ],
            configure: { $0.historyOnStart = 10 })
        let context = try #require(state.ui.detail?.context)
        let open = try #require(state.feed.drifts[state.ui.detail!.seq])
        guard case .found(let record) = context.drift, case .found(let declared) = context.declared else {
            Issue.record("context not found: \(context)")
            return
        }
        #expect(record["resource_id"]?.stringValue == open.resourceID)
        #expect(declared["attributes"]?["id"]?.stringValue == open.resourceID)
        #expect(declared["attributes"]?[open.attribute] != nil, "Terraform declares the attribute that drifted")

        // A drift the server never had: both lookups say 404 in words, nothing counts as an error.
        var missing = State(settings: Settings(url: url), topics: [.drifts])
        missing.feed.drifts.append(DriftRecord(receivedAt: 0, severity: .high, resourceType: "aws_s3_bucket", resourceID: "no/such id", attribute: "acl"))
        let unknown = runScenario(
            url: url, topics: [.drifts],
            steps: [
                Step(name: "open", until: { $0.servers[0].connection.subscribed }, then: { _ in
                    [.command(.openDetail), .command(.fetchContext)]
                }),
                Step(name: "404s", until: { $0.ui.detail?.context?.drift == .notFound && $0.ui.detail?.context?.declared == .notFound }),
            ],
            configure: { $0.restEnabled = true }, initial: missing)
        #expect(unknown.servers[0].rest.lastError == nil)
    }

    @Test func theStateSummaryIsReadAndASerialChangeShows() throws {
        let (server, url) = try startServer(.real, rate: 0)
        defer { server.stop() }
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [
                Step(name: "summary", until: { if case .loaded = $0.servers[0].rest.terraformState { true } else { false } }, then: { _ in
                    server.generate(300)
                    return []
                }),
                Step(name: "serial change", until: { !$0.feed.stateChanges.isEmpty }),
            ],
            configure: { $0.stateInterval = 0.5 })
        guard case .loaded(let summary) = state.servers[0].rest.terraformState else { return }
        #expect(summary.terraformVersion == "1.9.0")
        let change = try #require(state.feed.stateChanges[state.feed.stateChanges.newestSeq ?? 0])
        let serial = try #require(summary.serial)
        let resources = try #require(summary.resourceCount)
        #expect(serial > 41)
        #expect(change.detail == "serial 41 → \(serial)" + (resources == 120 ? "" : " · resources 120 → \(resources)"))
    }

    @Test func aServerWithoutStateSaysSo() throws {
        let (server, url) = try startServer(.real, rate: 0) { $0.terraformState = false }
        defer { server.stop() }
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [Step(name: "no state", until: { $0.servers[0].rest.terraformState != nil })])
        #expect(state.servers[0].rest.terraformState == .notLoaded)
        #expect(state.diagnostics.errorCount == 0 && state.servers[0].rest.lastError == nil)
    }
}
