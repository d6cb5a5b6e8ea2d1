import Testing
@testable import TFDriftCore
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

/// The blast radius (`b`) against the simulator's resource graph, over loopback with the real REST client.
struct BlastRadiusLoopbackTests {
    /// Opens the newest drift of `resourceType` and asks for its blast radius.
    static func ask(url: String, resourceType: String, until: @escaping @Sendable (BlastRadius) -> Bool,
                    clientOptions: WebSocketClient.Options = WebSocketClient.Options()) -> State {
        runScenario(
            url: url, topics: [.drifts],
            steps: [
                Step(name: "history", until: { s in s.servers[0].rest.historyLoaded != nil && !s.feed.drifts.isEmpty }, then: { _ in
                    [.command(.setFilter("type:\(resourceType)")), .command(.openDetail), .key(.character("b"))]
                }),
                Step(name: "answered", until: { s in s.ui.detail?.blast.map(until) ?? false }),
            ],
            configure: { $0.historyOnStart = 200 }, clientOptions: clientOptions)
    }

    static func answered(_ blast: BlastRadius) -> Bool { blast.impact != .loading && blast.dependents != .loading }

    @Test func aDriftedInstanceListsWhatDependsOnItNearestFirst() throws {
        let (server, url) = try startServer(.real, rate: 0)
        defer { server.stop() }
        server.generate(200)
        let state = Self.ask(url: url, resourceType: "aws_instance", until: Self.answered)
        let blast = try #require(state.ui.detail?.blast)
        let dependents = blast.rows.filter(\.dependent)
        #expect(dependents.map(\.type) == ["aws_lb_target_group", "aws_lb", "aws_route53_record"], "the load balancer chain, by depth")
        #expect(dependents.map(\.depth) == [1, 2, 3])
        #expect(blast.rows.contains { $0.type == "aws_security_group" && !$0.dependent && $0.depth == 1 }, "what it depends on is linked, not dependent")
        #expect(state.servers[0].rest.lastError == nil)
    }

    @Test func aServerWithoutStateOrGraphAndABadDepthAreSaidInWords() throws {
        let (server, url) = try startServer(.real, rate: 0) { $0.terraformState = false }
        defer { server.stop() }
        server.generate(200)
        let empty = Self.ask(url: url, resourceType: "aws_instance", until: Self.answered)
        #expect(empty.ui.detail?.blast?.impact == .notInGraph, "no state loaded: an empty graph")

        server.setGraphAnswer(CannedAnswer(status: 400, body: "{\"success\":false,\"error\":{\"code\":400,\"message\":\"depth must be between 1 and 10\"}}"))
        let refused = Self.ask(url: url, resourceType: "aws_instance", until: Self.answered)
        guard case .failed(let why) = refused.ui.detail?.blast?.impact else { Issue.record("not failed"); return }
        #expect(why.hasPrefix("HTTP 400"))

        server.setGraphAnswer(CannedAnswer(status: 404, body: "404 page not found\n"))
        let old = Self.ask(url: url, resourceType: "aws_instance", until: Self.answered)
        #expect(old.ui.detail?.blast?.impact == .notInGraph, "a server without the graph routes")
    }

    @Test func aSlowGraphShowsItIsAskingThenTimesOutWithoutHoldingTheScreen() throws {
        let (server, url) = try startServer(.real, rate: 0)
        defer { server.stop() }
        server.generate(200)
        var faults = SimulatorFaults()
        faults.stallRESTBody = true
        let state = runScenario(
            url: url, topics: [.drifts],
            steps: [
                Step(name: "history", until: { s in !s.feed.drifts.isEmpty }, then: { _ in
                    server.setFaults(faults)
                    return [.command(.openDetail), .key(.character("b"))]
                }),
                // While it waits, keys still work: j moves nothing yet, the view stays, the loading mark shows.
                Step(name: "asking", until: { $0.ui.detail?.blast?.impact == .loading }, then: { _ in [.key(.character("j"))] }),
                Step(name: "timed out", until: { s in if case .failed = s.ui.detail?.blast?.impact { true } else { false } }),
            ],
            configure: { $0.historyOnStart = 50 }, clientOptions: WebSocketClient.Options(connectTimeout: 0.5))
        guard case .failed(let why) = state.ui.detail?.blast?.impact else { return }
        #expect(why == "timed out after 500 ms")
    }
}

/// The simulator's graph routes answer as the real server's handlers do: 400 outside depth 1…10, an empty result
/// (not 404) for a node the graph does not hold, and the resource's id echoed for any id the simulator used for it.
struct ResourceGraphRouteTests {
    static func fetch(_ request: RestRequest, url: String) -> RestOutcome? {
        ServerProbe(options: WebSocketClient.Options(), credential: nil).fetch(request, url: url)
    }

    @Test func depthUnknownNodesAndTheEchoedId() throws {
        let (server, url) = try startServer(.real, rate: 0)
        defer { server.stop() }
        #expect(Self.fetch(.graphImpact(resourceID: "i-0demoweb", depth: 11), url: url) == .failure(status: 400, message: "depth must be between 1 and 10"))
        let unknown = try #require(Self.fetch(.graphImpact(resourceID: "no-such-node", depth: 3), url: url))
        #expect(BlastRadius.impact(from: RestSync.lookup(from: unknown), resource: "no-such-node") == .notInGraph)
        guard case .body(let body) = try #require(Self.fetch(.graphImpact(resourceID: "i-0demoweb1f3", depth: 1), url: url)) else {
            Issue.record("no body")
            return
        }
        let data = try #require(body["data"])
        #expect(data["node_id"]?.stringValue == "i-0demoweb1f3" && data["depth"]?.numberValue == 1)
        #expect(data["distances"]?["i-0demoweb1f3"]?.numberValue == 0, "the start node at distance 0, as upstream lists it")
        #expect(data["affected_count"]?.numberValue == Double(data["nodes"]?.arrayValue?.count ?? -1))
        guard case .body(let dependents) = try #require(Self.fetch(.graphDependents(resourceID: "vpc-0demo"), url: url)) else { return }
        let types = Set(dependents["data"]?["dependents"]?.arrayValue?.compactMap { $0["properties"]?["type"]?.stringValue } ?? [])
        #expect(types.isSuperset(of: ["aws_subnet", "aws_security_group", "aws_instance", "aws_route53_record"]), "transitively, up to depth 5")
    }
}
