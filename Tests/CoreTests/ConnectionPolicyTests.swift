import Testing
@testable import TFDriftCore
import TFDriftWire

/// The self-healing connection, driven through the pure reducer with injected time and jitter.
struct ConnectionPolicyTests {
    static let url = "ws://127.0.0.1:8080/ws"

    func makeState(rest: Bool = false, provider: String? = nil, outboxLimit: Int = 256) -> State {
        State(settings: Settings(url: Self.url, outboxLimit: outboxLimit, provider: provider, restEnabled: rest), topics: [.drifts])
    }

    func welcome(_ state: inout State, generation: Int, at: Double) -> [Effect] {
        _ = Reducer.reduce(&state, .connectionOpened(generation: generation, at: at))
        return Reducer.reduce(&state, .received(generation: generation, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: at))
    }

    func fail(_ state: inout State, _ d: Disconnection = Disconnection("lost"), at: Double, jitter: Double = 1) -> [Effect] {
        Reducer.reduce(&state, .connectionClosed(generation: state.servers[0].connection.generation, d, at: at, jitter: jitter))
    }

    @Test func attemptsResetOnlyAfterFiveHealthySeconds() {
        var state = makeState()
        _ = Reducer.reduce(&state, .started(at: 0))
        var t = 0.0
        for expected in 1...4 {
            _ = welcome(&state, generation: state.servers[0].connection.generation, at: t)
            _ = fail(&state, at: t + 1)  // accepted, then dropped after a second: not healthy
            #expect(state.servers[0].connection.attempt == expected)
            _ = Reducer.reduce(&state, .retryDue(generation: state.servers[0].connection.generation))
            t += 40
        }
        _ = welcome(&state, generation: state.servers[0].connection.generation, at: t)
        _ = Reducer.reduce(&state, .tick(at: t + 4.9))
        #expect(state.servers[0].connection.attempt == 4)
        _ = Reducer.reduce(&state, .tick(at: t + 5))
        #expect(state.servers[0].connection.attempt == 0)
    }

    @Test func delaysGrowAndStayUnderTheCap() {
        var state = makeState()
        _ = Reducer.reduce(&state, .started(at: 0))
        var ceilings: [Double] = []
        for i in 0..<8 {
            let at = Double(i) * 100
            let effects = fail(&state, at: at, jitter: 0.999_999)
            guard case .schedule(let delay, .retryDue) = effects.first else { Issue.record("no retry scheduled"); return }
            ceilings.append(delay)
            _ = Reducer.reduce(&state, .retryDue(generation: state.servers[0].connection.generation))
        }
        #expect(ceilings.map { $0.rounded() } == [1, 2, 4, 8, 16, 30, 30, 30])
    }

    @Test func tooManyRequestsWaitsAtLeastRetryAfter() {
        var state = makeState()
        _ = Reducer.reduce(&state, .started(at: 10))
        var store = StoreTester(state: state)
        let refused = Disconnection("upgrade refused: HTTP 429", httpStatus: 429, retryAfter: 7.5)
        store.send(.connectionClosed(generation: 1, refused, at: 10, jitter: 0), effects: [.schedule(after: 7.5, .retryDue(generation: 1))]) {
            $0.servers[0].connection.phase = .backingOff(until: 17.5)
            $0.servers[0].connection.attempt = 1
            $0.servers[0].connection.lastCloseReason = "upgrade refused: HTTP 429"
            $0.diagnostics.problems.append(Problem(at: 10, .linkLost("upgrade refused: HTTP 429")))
        }
        state = store.state
        // A short Retry-After never shortens the backoff.
        _ = Reducer.reduce(&state, .retryDue(generation: 1))
        _ = Reducer.reduce(&state, .retryDue(generation: 1))
        let second = fail(&state, Disconnection("429", httpStatus: 429, retryAfter: 0.0099), at: 20, jitter: 1)
        #expect(second == [.schedule(after: 2, .retryDue(generation: 2))])
    }

    @Test(arguments: [401, 403])
    func authorisationFailuresStopAndExplain(status: Int) {
        var state = makeState()
        _ = Reducer.reduce(&state, .started(at: 0))
        var store = StoreTester(state: state)
        let refused = "upgrade refused: HTTP \(status)"
        store.send(.connectionClosed(generation: 1, Disconnection(refused, httpStatus: status), at: 1, jitter: 1)) {
            $0.now = 1
            $0.servers[0].connection.phase = .stopped(status == 401 ? .unauthorized(credential: nil) : .forbidden(credential: nil))
            $0.servers[0].connection.lastCloseReason = refused
            $0.diagnostics.problems.append(Problem(at: 1, .linkLost(refused)))
        }
        store.send(.command(.retryNow), effects: [.connect(generation: 2, url: Self.url)]) {
            $0.servers[0].connection.phase = .connecting
            $0.servers[0].connection.generation = 2
            $0.ui.notice = Notice(.retrying(links: 1), at: 1)
        }
    }

    @Test func unavailableEndpointSwitchesToPollingAndBack() {
        var state = makeState(rest: true)
        _ = Reducer.reduce(&state, .started(at: 0))
        let effects = fail(&state, Disconnection("upgrade refused: HTTP 500", httpStatus: 500), at: 1, jitter: 0)
        #expect(state.servers[0].rest.polling)
        #expect(effects == [
            .schedule(after: 30, .retryDue(generation: 1)), .fetch(.drifts(page: 1, limit: 1)), .fetch(.stats),
            .schedule(after: 5, .pollDue),
        ])
        let anchor = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: 1), .body(["success": true, "data": ["data": [], "total": 12]]), at: 2))
        #expect(state.servers[0].rest.cursor == 12)
        #expect(anchor == [.fetch(.drifts(page: 12, limit: 1))])
        _ = Reducer.reduce(&state, .restResponse(.drifts(page: 12, limit: 1), .failure(status: 500, message: ""), at: 2.5))
        #expect(Reducer.reduce(&state, .pollDue) == [.fetch(.drifts(page: 1, limit: RestSync.pageSize)), .fetch(.stats), .schedule(after: 5, .pollDue)])
        _ = Reducer.reduce(&state, .retryDue(generation: 1))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 2, at: 31))
        #expect(!state.servers[0].rest.polling)
        #expect(Reducer.reduce(&state, .pollDue).isEmpty)
    }

    @Test func outboxWaitsForTheResubscriptionAndIsSentOnceInOrder() {
        var state = makeState(provider: "aws", outboxLimit: 3)
        _ = Reducer.reduce(&state, .started(at: 0))
        for n in 1...5 { _ = Reducer.reduce(&state, .command(.send(.query(["n": .number(Double(n))])))) }
        #expect(state.servers[0].connection.outbox.count == 3)
        #expect(state.diagnostics.outboxDropped == 2)
        let effects = welcome(&state, generation: 1, at: 1)
        #expect(effects == [
            .send(generation: 1, .subscribe("drift")), .send(generation: 1, .filter(provider: "aws")),
            .send(generation: 1, .query(["n": 3])), .send(generation: 1, .query(["n": 4])), .send(generation: 1, .query(["n": 5])),
        ])
        #expect(state.servers[0].connection.outbox.isEmpty)
        #expect(Reducer.reduce(&state, .welcomeTimedOut(generation: 1)).isEmpty, "nothing is sent twice")
        #expect(Reducer.reduce(&state, .command(.send(.ping))) == [.send(generation: 1, .ping)])
    }

    @Test func watchdogDeclaresASilentConnectionDead() {
        var state = makeState()
        _ = Reducer.reduce(&state, .started(at: 0))
        _ = welcome(&state, generation: 1, at: 100)
        #expect(Reducer.reduce(&state, .tick(at: 164)).allSatisfy { if case .send(_, .ping) = $0 { true } else { false } })
        let effects = Reducer.reduce(&state, .tick(at: 165.5))
        #expect(effects.first == .abort(generation: 1))
        guard case .backingOff = state.servers[0].connection.phase else { Issue.record("not backing off"); return }
        #expect(state.servers[0].connection.lastCloseReason?.contains("presumed dead") == true)
        // The socket's own close report for the aborted generation changes nothing.
        #expect(fail(&state, Disconnection("closed"), at: 166).isEmpty)
    }

    @Test func applicationPingMeasuresTheRoundTrip() {
        var state = makeState()
        _ = Reducer.reduce(&state, .started(at: 0))
        _ = welcome(&state, generation: 1, at: 100)
        #expect(Reducer.reduce(&state, .tick(at: 129)).isEmpty)
        #expect(Reducer.reduce(&state, .tick(at: 130)) == [.send(generation: 1, .ping)])
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.control(.pong)], at: 130.042))
        #expect(abs((state.servers[0].connection.roundTrip ?? 0) - 0.042) < 1e-9)
    }
}

/// Backfill and reconciliation against `/api/v1/drifts` and `/api/v1/stats`.
struct RestSyncTests {
    static func drift(_ id: String, attribute: String = "acl") -> JSONValue {
        ["alert_type": "drift", "id": .string(id), "resource_id": .string(id), "resource_type": "aws_s3_bucket", "resource_name": "b",
         "attribute": .string(attribute), "old_value": "private", "new_value": "public-read", "severity": "critical", "timestamp": "",
         "user_identity": ["UserName": "alice"]]
    }

    static func page(_ items: [JSONValue], page: Int = 1, limit: Int = 1000, total: Int) -> RestOutcome {
        .body(["success": true, "data": ["data": .array(items), "page": .number(Double(page)), "limit": .number(Double(limit)), "total": .number(Double(total))]])
    }

    func openedState() -> State {
        var state = State(settings: Settings(url: "ws://x/ws", restEnabled: true), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 0))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 0))
        let effects = Reducer.reduce(&state, .received(generation: 1, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: 0))
        #expect(effects.contains(.fetch(.drifts(page: 1, limit: 1))), "first contact learns the total")
        let anchor = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: 1), Self.page([Self.drift("a")], limit: 1, total: 3), at: 0.1))
        #expect(anchor == [.fetch(.drifts(page: 3, limit: 1))], "then reads the last drift to anchor the cursor")
        _ = Reducer.reduce(&state, .restResponse(.drifts(page: 3, limit: 1), Self.page([Self.drift("c")], page: 3, limit: 1, total: 3), at: 0.2))
        #expect(state.servers[0].rest.cursor == 3)
        #expect(state.servers[0].rest.anchor == DriftDigest(Ingest.drift(Self.drift("c"), receivedAt: 0, time: nil)))
        #expect(state.feed.drifts.isEmpty, "history from before we started is not a gap")
        return state
    }

    /// Loses the first socket at t=10 and opens the second at t=20, through to its welcome.
    func reconnect(_ state: inout State) -> [Effect] {
        _ = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("lost"), at: 10, jitter: 0))
        _ = Reducer.reduce(&state, .retryDue(generation: 1))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 2, at: 20))
        return Reducer.reduce(&state, .received(generation: 2, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: 20))
    }

    func live(_ state: inout State, _ id: String, generation: Int, at: Double) {
        let record = Ingest.drift(Self.drift(id), receivedAt: at, time: nil)
        _ = Reducer.reduce(&state, .received(generation: generation, items: [.drift(record)], at: at))
    }

    @Test func backfillAfterAReconnectAddsOnlyWhatWasMissedAndMarksTheGap() {
        var state = openedState()
        live(&state, "d3", generation: 1, at: 1)
        let effects = reconnect(&state)
        #expect(effects.last == .fetch(.drifts(page: 1, limit: RestSync.pageSize)))
        live(&state, "d6", generation: 2, at: 20.5)  // arrived live before the backfill answered
        let items = ["a", "b", "c", "d3", "d4", "d5", "d6"].map { Self.drift($0) }
        _ = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: RestSync.pageSize), Self.page(items, total: 7), at: 21))
        let ids = (state.feed.drifts.oldestSeq!...state.feed.drifts.newestSeq!).map { state.feed.drifts[$0]!.resourceID }
        #expect(ids == ["d3", "d6", "d4", "d5"], "each drift exactly once")
        #expect(state.servers[0].rest.cursor == 7)
        #expect(state.feed.gaps == [Gap(start: 10, end: 20, backfilled: 2, afterSeq: 1)])
    }

    /// The read can come back before the live frames of what it read: a message holds up to 256 drifts and is
    /// decoded before it is handed on. Those late frames are each held for one read of the list past the cursor,
    /// which does not hold them: merged, counted, none shown twice (with room for more than a message's worth).
    @Test func lateFramesOfEntriesABackfillShowedAreMergedNotShownAgain() {
        var state = openedState()
        _ = reconnect(&state)
        let missed = (0..<300).map { Self.drift("m\($0)") }
        let list = ["a", "b", "c"].map { Self.drift($0) } + missed
        let pageSize = RestSync.pageSize
        _ = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: pageSize), Self.page(Array(list.prefix(pageSize)), total: 303), at: 21))
        // The cursor sits on a page boundary: the next page is one shorter, so it holds the anchor too.
        let shorter = pageSize - 1
        let next = RestRequest.drifts(page: 2, limit: shorter)
        let rest = Self.page(Array(list.suffix(from: shorter)), page: 2, limit: shorter, total: 303)
        _ = Reducer.reduce(&state, .restResponse(next, rest, at: 21.1))
        #expect(state.feed.drifts.count == 300)
        // Now the live frames of the last 200 arrive, in one message, after the read.
        let late = missed.suffix(200).map { Incoming.drift(Ingest.drift($0, receivedAt: 21.2, time: nil)) }
        let asked = Reducer.reduce(&state, .received(generation: 2, items: late, at: 21.2))
        let pastCursor = RestRequest.drifts(page: 2, limit: pageSize)
        #expect(asked == [.fetch(pastCursor)], "the held ones ask for the list past the cursor")
        #expect(state.servers[0].rest.heldLive.count == 200)
        let pastAnswer = Self.page(Array(list.suffix(303 - pageSize)), page: 2, limit: pageSize, total: 303)
        _ = Reducer.reduce(&state, .restResponse(pastCursor, pastAnswer, at: 21.3))
        #expect(state.feed.drifts.count == 300, "none shown twice")
        #expect(state.diagnostics.mergedLive == 200 && state.servers[0].rest.heldLive.isEmpty)
    }

    @Test func aShrinkingTotalMeansTheServerRestarted() {
        var state = openedState()
        _ = reconnect(&state)
        let restart = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: RestSync.pageSize), Self.page([Self.drift("n1")], total: 1), at: 21))
        #expect(state.servers[0].rest.restartsDetected == 1)
        #expect(restart == [.fetch(.drifts(page: 1, limit: RestSync.pageSize))])
        _ = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: RestSync.pageSize), Self.page([Self.drift("n1")], total: 1), at: 21.5))
        #expect(state.feed.drifts.count == 1)
        #expect(state.feed.gaps.last?.backfilled == 1)
    }

    @Test func anotherDriftAtTheCursorMeansARestartEvenWhenTheListGrewPastIt() {
        var state = openedState()
        _ = reconnect(&state)
        let fresh = (0..<6).map { Self.drift("new\($0)") }
        let again = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: RestSync.pageSize), Self.page(fresh, total: 6), at: 21))
        #expect(state.servers[0].rest.restartsDetected == 1)
        #expect(again == [.fetch(.drifts(page: 1, limit: RestSync.pageSize))])
        _ = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: RestSync.pageSize), Self.page(fresh, total: 6), at: 22))
        #expect(state.feed.drifts.count == 6, "all of the new incarnation's drifts, not only those past the old cursor")
    }

    /// A cursor on a page boundary still has its anchor checked: a restarted server whose list grew back past the
    /// cursor is told from one that kept its list (pages aligned to 250 would leave the anchor on the page before).
    @Test func aCursorOnAPageBoundaryStillChecksItsAnchor() {
        var state = openedState()
        _ = reconnect(&state)
        let pageSize = RestSync.pageSize
        let old = ["a", "b", "c"].map { Self.drift($0) } + (3..<pageSize).map { Self.drift("old\($0)") }
        _ = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: pageSize), Self.page(old, total: pageSize), at: 21))
        #expect(state.servers[0].rest.cursor == pageSize)
        _ = Reducer.reduce(&state, .connectionClosed(generation: 2, Disconnection("lost"), at: 30, jitter: 0))
        _ = Reducer.reduce(&state, .retryDue(generation: 2))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 3, at: 40))
        let asked = Reducer.reduce(&state, .received(generation: 3, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: 40))
        let request = RestRequest.drifts(page: 2, limit: pageSize - 1)
        #expect(asked.last == .fetch(request), "the page holding the cursor holds the anchor too")
        // The server restarted meanwhile and its new list is longer than the old cursor.
        let fresh = (0..<300).map { Self.drift("new\($0)") }
        let answer = Self.page(Array(fresh[(pageSize - 1)...]), page: 2, limit: pageSize - 1, total: 300)
        let again = Reducer.reduce(&state, .restResponse(request, answer, at: 41))
        #expect(state.servers[0].rest.restartsDetected == 1)
        #expect(again == [.fetch(.drifts(page: 1, limit: pageSize))], "read from its beginning")
    }

    @Test func aBackfillShowsNoDriftsWhileTheDriftsTopicIsOff() {
        var state = openedState()
        _ = Reducer.reduce(&state, .command(.toggleTopic(.drifts)))
        _ = reconnect(&state)
        var store = StoreTester(state: state)
        let items = ["a", "b", "c", "x", "y"].map { Self.drift($0) }
        store.send(.restResponse(.drifts(page: 1, limit: RestSync.pageSize), Self.page(items, total: 5), at: 21)) {
            $0.now = 21
            // The operator switched drifts off: none shown, but the cursor follows the server's list, and the gap
            // is closed with nothing backfilled.
            $0.servers[0].rest.driftsInFlight = false
            $0.servers[0].rest.cursor = 5
            $0.servers[0].rest.anchor = DriftDigest(Ingest.drift(Self.drift("y"), receivedAt: 0, time: nil))
            $0.servers[0].rest.openGap = nil
            $0.feed.gaps.append(Gap(start: 10, end: 20, backfilled: 0, afterSeq: 0))
        }
    }

    @Test func pagesAreFollowedUntilTheTotal() {
        var state = openedState()
        _ = reconnect(&state)
        let page = RestSync.pageSize
        let first = ["a", "b", "c"].map { Self.drift($0) } + (3..<page).map { Self.drift("p1-\($0)") }
        let next = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: RestSync.pageSize), Self.page(first, total: page + 100), at: 21))
        // The cursor sits on a page boundary: pages one shorter, so the next holds the anchor (the last read) too.
        #expect(next == [.fetch(.drifts(page: 2, limit: page - 1))])
        #expect(state.feed.drifts.count == page - 3)
        #expect(state.servers[0].rest.restartsDetected == 0)
        let second = (0..<100).map { Self.drift("p2-\($0)") }
        let answer = Self.page([first[page - 1]] + second, page: 2, limit: page - 1, total: page + 100)
        #expect(Reducer.reduce(&state, .restResponse(.drifts(page: 2, limit: page - 1), answer, at: 22)).isEmpty)
        #expect(state.servers[0].rest.restartsDetected == 0, "the anchor was checked, and held")
        #expect(state.feed.drifts.count == page - 3 + 100)
        #expect(state.servers[0].rest.cursor == page + 100)
    }

    @Test func statsGiveServerTotalsAndADropEstimate() {
        var store = StoreTester(state: openedState())
        let stats: (Int) -> JSONValue = { total in
            ["success": true, "data": ["drifts": ["total": .number(Double(total)), "severity_counts": ["high": 2]], "unmanaged": ["total": 4], "events": ["total": 0]]]
        }
        store.send(.restResponse(.stats, .body(stats(10)), at: 1)) {
            $0.now = 1
            var reported = Ingest.stats(from: stats(10)["data"] ?? .null)
            reported.droppedEstimate = 0
            $0.servers[0].reported = reported
            $0.servers[0].rest.driftBaseline = 10
        }
        live(&store.state, "x1", generation: 1, at: 2)
        live(&store.state, "x2", generation: 1, at: 2)
        store.send(.restResponse(.stats, .body(stats(15)), at: 3)) {
            $0.now = 3
            var reported = Ingest.stats(from: stats(15)["data"] ?? .null)
            // 15 on the server, 10 before we counted, 2 received: 3 the server never sent us.
            reported.droppedEstimate = 3
            $0.servers[0].reported = reported
        }
        #expect(store.state.servers[0].reported?.driftTotal == 15 && store.state.servers[0].reported?.unmanagedTotal == 4)
    }

    @Test func healthGivesTheRealVersion() {
        var store = StoreTester(state: openedState())
        store.send(.restResponse(.health, .body(["success": true, "data": ["status": "ok", "version": "0.14.0"]]), at: 1)) {
            $0.now = 1
            $0.servers[0].rest.serverVersion = "0.14.0"
            $0.servers[0].rest.readiness = .ready(checks: [])
        }
    }

    @Test func failuresAreKeptQuietlyAndDoNotWedgeTheSync() {
        var state = openedState()
        _ = reconnect(&state)
        var store = StoreTester(state: state)
        let request = RestRequest.drifts(page: 1, limit: RestSync.pageSize)
        store.send(.restResponse(request, .failure(status: 429, message: "Too Many Requests"), at: 21)) {
            $0.now = 21
            $0.servers[0].rest.driftsInFlight = false
            $0.servers[0].rest.lastError = "HTTP 429: Too Many Requests"
            // Logged for the diagnostics view, not an error of the status bar. The gap is closed with what it got
            // (nothing); the cursor stays, so the next read of the list starts where this one would have.
            $0.diagnostics.problems.append(Problem(at: 21, .restFailed(path: request.path, reason: "HTTP 429: Too Many Requests")))
            $0.servers[0].rest.openGap = nil
            $0.feed.gaps.append(Gap(start: 10, end: 20, backfilled: 0, afterSeq: 0))
        }
        #expect(store.state.diagnostics.errorCount == 0)
    }
}
