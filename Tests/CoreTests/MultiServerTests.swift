import Testing
@testable import TFDriftCore
import TFDriftWire

/// Several servers in one store: each runs its own connection machine on its own slice of the state, and the
/// panes merge what they send.
struct MultiServerTests {
    static let urls = ["ws://10.0.0.1:8080/ws", "ws://10.0.0.2:8080/ws"]

    /// prod and staging, REST on (backfill and polling are per server), a short backoff.
    func makeState(rest: Bool = true) -> State {
        State(servers: zip(["prod", "staging"], Self.urls).map { name, url in
            var settings = Settings(url: url, backoff: BackoffPolicy(base: 1, factor: 2, cap: 8), restEnabled: rest)
            settings.historyOnStart = 0
            return ServerState(name: name, settings: settings, topics: [.drifts, .events])
        })
    }

    func drift(_ id: String, severity: Severity = .high) -> Incoming {
        .drift(DriftRecord(receivedAt: 0, severity: severity, resourceType: "aws_instance", resourceName: id, resourceID: id))
    }

    /// Opens server `k` (generation `g`) and lets it say which dialect it speaks.
    func open(_ state: inout State, _ k: Int, generation g: Int, at t: Double) -> [Effect] {
        var effects = Reducer.reduce(&state, .server(k, .connectionOpened(generation: g, at: t)))
        effects += Reducer.reduce(&state, .server(k, .received(
            generation: g, items: [.control(.welcome(dialect: .real, version: "0.9.0", clientID: "c"))], at: t)))
        return effects
    }

    /// Both servers started and open on their first socket.
    func bothOpen(rest: Bool = true) -> State {
        var state = makeState(rest: rest)
        _ = Reducer.reduce(&state, .started(at: 100))
        _ = open(&state, 0, generation: 1, at: 101)
        _ = open(&state, 1, generation: 1, at: 101)
        return state
    }

    @Test func startingConnectsEveryServerWithItsOwnAddress() {
        var state = makeState()
        let effects = Reducer.reduce(&state, .started(at: 100))
        #expect(effects == [.server(0, .connect(generation: 1, url: Self.urls[0])), .server(1, .connect(generation: 1, url: Self.urls[1]))])
        #expect(state.servers.allSatisfy { $0.connection.phase == .connecting })
    }

    @Test func subscriptionsAndTheFirstREadGoToTheServerThatOpened() {
        var state = makeState()
        _ = Reducer.reduce(&state, .started(at: 100))
        let effects = open(&state, 1, generation: 1, at: 101)
        // Everything that opening and the welcome asked for is addressed to staging, with staging's generation.
        #expect(!effects.isEmpty)
        for effect in effects {
            guard case .server(1, let inner) = effect else {
                Issue.record("not addressed to server 1: \(effect)")
                continue
            }
            if case .send(let generation, _) = inner { #expect(generation == 1) }
        }
        #expect(effects.contains(.server(1, .send(generation: 1, .subscribe("drift")))))
        #expect(effects.contains(.server(1, .fetch(.drifts(page: 1, limit: 1)))))
        #expect(state.servers[1].connection.subscribed)
        #expect(!state.servers[0].connection.subscribed, "prod has not opened; nothing was sent to it")
        #expect(state.servers[0].connection.phase == .connecting)
    }

    /// A tick addressed to one server keeps that server's house alone (an unaddressed one keeps every server's).
    @Test func anAddressedTickIsThatServersAlone() {
        var state = bothOpen()
        let one = Reducer.reduce(&state, .server(1, .tick(at: 140)))
        #expect(one.contains(.server(1, .fetch(.health))) && !one.contains(.server(0, .fetch(.health))), "\(one)")
        let all = Reducer.reduce(&state, .tick(at: 140))
        #expect(all.contains(.server(0, .fetch(.health))) && !all.contains(.server(1, .fetch(.health))), "\(all)")
    }

    @Test func oneServerRestartingNeverTouchesTheHealthyOne() {
        var state = bothOpen()
        var t = 102.0
        var prodItems = 0
        // staging drops, retries, is refused, retries… while prod streams.
        for round in 0..<6 {
            let generation = state.servers[1].connection.generation
            var healthy = state.servers[0]
            let lost = Reducer.reduce(&state, .server(1, .connectionClosed(generation: generation, Disconnection("reset"), at: t, jitter: 0.5)))
            #expect(lost.allSatisfy { if case .server(1, _) = $0 { true } else { false } }, "round \(round): \(lost)")
            #expect(state.servers[0] == healthy, "prod's slice changed when staging dropped (round \(round))")
            _ = Reducer.reduce(&state, .server(0, .received(generation: 1, items: [drift("p\(round)")], at: t + 0.1)))
            prodItems += 1
            healthy = state.servers[0]
            _ = Reducer.reduce(&state, .server(1, .retryDue(generation: generation)))
            #expect(state.servers[0] == healthy, "prod's slice changed when staging retried (round \(round))")
            #expect(state.servers[1].connection.phase == .connecting)
            t += 1
        }
        #expect(state.servers[0].connection.phase == .open)
        #expect(state.servers[0].connection.generation == 1)
        #expect(state.servers[1].connection.generation == 7)
        #expect(state.servers[1].connection.attempt == 6)
        #expect(state.feed.drifts.count == prodItems)
        #expect((state.feed.drifts.oldestSeq!...state.feed.drifts.newestSeq!).allSatisfy { state.feed.drifts[$0]!.server == 0 })
    }

    @Test func mergedPanesKeepArrivalOrderAndTagEveryItemWithItsServer() {
        var state = bothOpen(rest: false)
        let arrivals = [(0, "a"), (1, "b"), (1, "c"), (0, "d"), (1, "e")]
        for (i, (server, id)) in arrivals.enumerated() {
            _ = Reducer.reduce(&state, .server(server, .received(generation: 1, items: [drift(id)], at: 102 + Double(i))))
        }
        let shown = (state.feed.drifts.oldestSeq!...state.feed.drifts.newestSeq!).map { state.feed.drifts[$0]! }
        #expect(shown.map(\.resourceID) == arrivals.map(\.1))
        #expect(shown.map(\.server) == arrivals.map(\.0))
        // Counted in the total and per server.
        #expect(state.feed.stats.total == 5)
        #expect(state.servers[0].stats.total == 2)
        #expect(state.servers[1].stats.total == 3)
    }

    @Test func theSameDriftFromTwoServersIsTwoDrifts() {
        // Two accounts can have the same resource names; only one server's own overlap is deduplicated.
        var state = bothOpen(rest: false)
        _ = Reducer.reduce(&state, .server(0, .received(generation: 1, items: [drift("same")], at: 102)))
        _ = Reducer.reduce(&state, .server(1, .received(generation: 1, items: [drift("same")], at: 103)))
        #expect(state.feed.drifts.count == 2)
    }

    @Test func aGapIsMarkedOnTheServerThatLostItsLinkAndBackfilledFromIt() {
        var state = bothOpen()
        // The first reads: each server's list is empty so far.
        for k in 0..<2 {
            _ = Reducer.reduce(&state, .server(k, .restResponse(.drifts(page: 1, limit: 1), .body(["data": ["total": 0, "data": []]]), at: 101.5)))
        }
        _ = Reducer.reduce(&state, .server(1, .connectionClosed(generation: 1, Disconnection("reset"), at: 110, jitter: 0)))
        #expect(state.servers[1].rest.openGap != nil)
        #expect(state.servers[0].rest.openGap == nil)
        _ = Reducer.reduce(&state, .server(1, .retryDue(generation: 1)))
        let reopened = open(&state, 1, generation: 2, at: 112)
        #expect(reopened.contains(.server(1, .fetch(.drifts(page: 1, limit: 250)))))
        let missed: JSONValue = ["data": ["total": 4, "data": .array((0..<4).map { i in
            ["severity": "high", "resource_type": "aws_instance", "resource_id": .string("missed-\(i)"), "attribute": "tags"]
        })]]
        _ = Reducer.reduce(&state, .server(1, .restResponse(.drifts(page: 1, limit: 250), .body(missed), at: 112.5)))
        #expect(state.feed.gaps.count == 1)
        #expect(state.feed.gaps.first?.server == 1)
        #expect(state.feed.gaps.first?.backfilled == 4)
        let backfilled = (state.feed.drifts.oldestSeq!...state.feed.drifts.newestSeq!).compactMap { state.feed.drifts[$0] }.filter(\.backfilled)
        #expect(backfilled.map(\.server) == [1, 1, 1, 1])
        #expect(state.servers[0].rest.backfilledTotal == 0)
    }

    @Test func topicKeysApplyToEveryServerOrToTheOneSelectedInTheConnectionsView() {
        var state = bothOpen(rest: false)
        let everywhere = Reducer.reduce(&state, .key(.character("4")))
        #expect(everywhere.contains(.server(0, .send(generation: 1, .subscribe("state_change")))))
        #expect(everywhere.contains(.server(1, .send(generation: 1, .subscribe("state_change")))))
        #expect(state.servers.allSatisfy { $0.desiredTopics.contains(.state) })

        _ = Reducer.reduce(&state, .key(.character("c")))
        _ = Reducer.reduce(&state, .key(.down))
        #expect(state.ui.connections == 1)
        let one = Reducer.reduce(&state, .key(.character("4")))
        #expect(one == [.server(1, .send(generation: 1, .unsubscribe("state_change")))])
        #expect(state.servers[0].desiredTopics.contains(.state))
        #expect(!state.servers[1].desiredTopics.contains(.state))
    }

    @Test func retryInTheConnectionsViewRetriesTheSelectedServerOnly() {
        var state = makeState(rest: false)
        _ = Reducer.reduce(&state, .started(at: 100))
        for k in 0..<2 {
            _ = Reducer.reduce(&state, .server(k, .connectionClosed(generation: 1, Disconnection("refused"), at: 101, jitter: 0)))
        }
        _ = Reducer.reduce(&state, .key(.character("c")))
        _ = Reducer.reduce(&state, .key(.down))
        let effects = Reducer.reduce(&state, .key(.character("r")))
        #expect(effects == [.server(1, .connect(generation: 2, url: Self.urls[1]))])
        guard case .backingOff = state.servers[0].connection.phase else {
            Issue.record("prod should still wait: \(state.servers[0].connection.phase)")
            return
        }
        // Outside the view, r retries every server that waits.
        _ = Reducer.reduce(&state, .key(.escape))
        let all = Reducer.reduce(&state, .key(.character("r")))
        #expect(all == [.server(0, .connect(generation: 2, url: Self.urls[0]))])
    }

    @Test func oneKeyNarrowsTheScreenToOneServerAndTheFilterCanToo() {
        var state = bothOpen(rest: false)
        for (i, server) in [0, 1, 1, 0, 1].enumerated() {
            _ = Reducer.reduce(&state, .server(server, .received(generation: 1, items: [drift("d\(i)")], at: 102 + Double(i))))
        }
        #expect(state.visibleCount(.drifts) == 5)
        _ = Reducer.reduce(&state, .key(.character("S")))
        #expect(state.ui.serverScope == 0)
        #expect(state.visibleCount(.drifts) == 2)
        _ = Reducer.reduce(&state, .key(.character("S")))
        #expect(state.visibleCount(.drifts) == 3)
        _ = Reducer.reduce(&state, .key(.character("S")))
        #expect(state.ui.serverScope == nil)
        #expect(state.visibleCount(.drifts) == 5)
        _ = Reducer.reduce(&state, .command(.setFilter("server:staging")))
        #expect(state.visibleCount(.drifts) == 3)
        _ = Reducer.reduce(&state, .command(.setFilter("-server:staging")))
        #expect(state.visibleCount(.drifts) == 2)
    }

    @Test func tickRunsEachServersHousekeepingOnItsOwnClock() {
        var state = makeState(rest: false)
        state.servers[1].settings.watchdog = 5
        _ = Reducer.reduce(&state, .started(at: 100))
        _ = open(&state, 0, generation: 1, at: 101)
        _ = open(&state, 1, generation: 1, at: 101)
        _ = Reducer.reduce(&state, .server(0, .received(generation: 1, items: [], at: 107)))
        let effects = Reducer.reduce(&state, .tick(at: 107.5))
        // Only staging (watchdog 5 s, silent since 101) is declared dead; prod keeps its link.
        #expect(effects.contains(.server(1, .abort(generation: 1))))
        #expect(!effects.contains { if case .server(0, .abort) = $0 { true } else { false } })
        #expect(state.servers[0].connection.phase == .open)
        #expect(state.staleServers(after: 3).map(\.server) == [1])
    }

    @Test func anActionForAServerThatDoesNotExistChangesNothing() {
        var state = makeState()
        let before = state
        #expect(Reducer.reduce(&state, .server(7, .connectionOpened(generation: 1, at: 1))).isEmpty)
        #expect(Reducer.reduce(&state, .server(-1, .pollDue)).isEmpty)
        #expect(state == before)
    }

    @Test func problemsNameTheirServer() {
        var state = makeState(rest: false)
        _ = Reducer.reduce(&state, .started(at: 100))
        _ = open(&state, 1, generation: 1, at: 101)
        _ = Reducer.reduce(&state, .server(1, .received(generation: 1, items: [.malformed("not JSON")], at: 102)))
        let problem = state.diagnostics.problems[state.diagnostics.problems.newestSeq!]!
        #expect(problem.server == 1 && problem.kind == .malformedMessage("not JSON"), "the problem keeps whose it is; the view names the server")
    }

    @Test func quittingClosesEveryOpenLinkOnce() {
        var state = makeState(rest: false)
        _ = Reducer.reduce(&state, .started(at: 100))
        _ = open(&state, 0, generation: 1, at: 101)
        let effects = Reducer.reduce(&state, .command(.quit))
        #expect(effects == [.server(0, .disconnect(generation: 1)), .server(1, .disconnect(generation: 1)), .quit])
    }

    @Test func serverNamesAreShortAndPlain() {
        #expect(ServerName.problem("prod") == nil)
        #expect(ServerName.problem("eu-west_1.b") == nil)
        #expect(ServerName.problem("") != nil)
        #expect(ServerName.problem("a-name-far-longer-than-sixteen") != nil)
        #expect(ServerName.problem("pr od") != nil)
        #expect(ServerName.problem("prod\u{1B}[2J") != nil)
        #expect(ServerName.fallback(forURL: "wss://tfdrift.prod.internal:443/ws") == "tfdrift.prod.int")
        #expect(ServerName.fallback(forURL: "ws://[::1]:8080/ws") == "server")
    }
}

/// Three servers in one store, each one's news reduced on its own `ServerState` and applied with its index: a REST
/// state change, an acknowledgement, a problem, a gap and its backfill land on that server and nowhere else, and
/// the exhaustive store test compares every server's state after each step.
struct ThreeServerScopeTests {
    static func started() -> State {
        var state = State(servers: ["a", "b", "c"].map { name in
            var settings = Settings(url: "ws://\(name).example:8080/ws", backoff: BackoffPolicy(base: 1, factor: 2, cap: 8))
            settings.historyOnStart = 0
            return ServerState(name: name, settings: settings, topics: [.drifts])
        })
        _ = Reducer.reduce(&state, .started(at: 100))
        for k in 0..<3 {
            _ = Reducer.reduce(&state, .server(k, .connectionOpened(generation: 1, at: 101)))
            _ = Reducer.reduce(&state, .server(k, .received(generation: 1, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: 101)))
            _ = Reducer.reduce(&state, .server(k, .restResponse(.drifts(page: 1, limit: 1), RestSyncTests.page([], total: 0), at: 102)))
        }
        return state
    }

    @Test func eachServersNewsLandsOnThatServerAlone() {
        var store = StoreTester(state: Self.started())
        #expect(store.state.servers.allSatisfy { $0.rest.cursor == 0 && $0.connection.phase == .open })

        // b's Terraform state moves: the change is b's.
        let first: JSONValue = ["success": true, "data": ["lineage": "l", "serial": 1, "resource_count": 3, "terraform_version": "1.9.0"]]
        let second: JSONValue = ["success": true, "data": ["lineage": "l", "serial": 2, "resource_count": 3, "terraform_version": "1.9.0"]]
        store.send(.server(1, .restResponse(.terraformState, .body(first), at: 103))) {
            $0.now = 103
            $0.servers[1].rest.terraformState = .loaded(TerraformStateSummary(lineage: "l", serial: 1, resourceCount: 3, terraformVersion: "1.9.0"))
        }
        store.send(.server(1, .restResponse(.terraformState, .body(second), at: 104))) {
            $0.now = 104
            $0.servers[1].rest.terraformState = .loaded(TerraformStateSummary(lineage: "l", serial: 2, resourceCount: 3, terraformVersion: "1.9.0"))
            var change = StateRecord(receivedAt: 104, resource: "terraform state", action: "changed", detail: "serial 1 → 2")
            change.server = 1
            $0.feed.stateChanges.append(change)
            $0.feed.stats.record(kind: "state", severity: nil, resourceType: change.resourceType, at: 104)
            $0.servers[1].stats.record(kind: "state", severity: nil, resourceType: change.resourceType, at: 104)
        }

        // c acknowledges its subscription: c's alone.
        store.send(.server(2, .received(generation: 1, items: [.control(.subscribed("drift"))], at: 105))) {
            $0.now = 105
            $0.servers[2].connection.lastFrameAt = 105
            $0.servers[2].connection.subscriptions["drift"] = .acknowledged
            $0.diagnostics.messagesReceived += 1
        }

        // a sends garbage: the problem names a and is a's.
        store.send(.server(0, .received(generation: 1, items: [.malformed("bad")], at: 106))) {
            $0.now = 106
            $0.servers[0].connection.lastFrameAt = 106
            $0.diagnostics.messagesReceived += 1
            $0.diagnostics.malformed += 1
            $0.diagnostics.lastError = Problem(at: 106, .malformedMessage("bad"), server: 0)
            $0.diagnostics.problems.append(Problem(at: 106, .malformedMessage("bad"), server: 0))
        }

        // b's link breaks and comes back: its gap and backfill are b's, and a and c are untouched throughout.
        let others = [store.state.servers[0], store.state.servers[2]]
        var state = store.state
        _ = Reducer.reduce(&state, .server(1, .connectionClosed(generation: 1, Disconnection("lost"), at: 110, jitter: 0)))
        _ = Reducer.reduce(&state, .server(1, .retryDue(generation: 1)))
        _ = Reducer.reduce(&state, .server(1, .connectionOpened(generation: 2, at: 111)))
        let asked = Reducer.reduce(&state, .server(1, .received(generation: 2, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: 111)))
        #expect(asked.contains(.server(1, .fetch(.drifts(page: 1, limit: RestSync.pageSize)))), "\(asked)")
        let missed = [RestSyncTests.drift("x"), RestSyncTests.drift("y")]
        _ = Reducer.reduce(&state, .server(1, .restResponse(.drifts(page: 1, limit: RestSync.pageSize), RestSyncTests.page(missed, total: 2), at: 112)))
        #expect([state.servers[0], state.servers[2]] == others, "another server's slice changed")
        let drifts = (0..<state.feed.drifts.nextSeq).compactMap { state.feed.drifts[$0] }
        #expect(drifts.map(\.resourceID) == ["x", "y"] && drifts.allSatisfy { $0.server == 1 && $0.backfilled })
        #expect(state.feed.gaps.map(\.server) == [1] && state.feed.gaps.first?.backfilled == 2)
        #expect(state.diagnostics.problems[state.diagnostics.problems.nextSeq - 1]?.server == 1, "the lost link is b's problem")
        #expect(state.servers[1].rest.cursor == 2)
    }
}
