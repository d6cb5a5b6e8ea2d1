import Testing
@testable import TFDriftCore
import TFDriftWire

/// Drives the pure reducer through a connection's life without a socket.
struct ReducerTests {
    static let url = "ws://127.0.0.1:8080/ws"

    func makeState(topics: Set<Topic> = [.drifts, .events, .state, .stats], history: Int = 10_000) -> State {
        // REST is covered by its own tests; here the socket alone.
        State(settings: Settings(url: Self.url, historyLimit: history, restEnabled: false), topics: topics)
    }

    /// Starts, opens and receives the welcome of `dialect`; returns the subscribe effects.
    func open(_ state: inout State, dialect: Dialect) -> [Effect] {
        _ = Reducer.reduce(&state, .started(at: 100))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 100.1))
        return Reducer.reduce(&state, .received(
            generation: 1, items: [.control(.welcome(dialect: dialect, version: "0.9.0", clientID: "c"))], at: 100.2))
    }

    func drift(_ i: Int, severity: Severity = .high, type: String = "aws_instance") -> Incoming {
        .drift(DriftRecord(receivedAt: 100, severity: severity, resourceType: type, resourceName: "web\(i)", resourceID: "i-\(i)"))
    }

    @Test func startConnectsWithGenerationOne() {
        var state = makeState()
        let effects = Reducer.reduce(&state, .started(at: 5))
        #expect(effects == [.connect(generation: 1, url: Self.url)])
        #expect(state.servers[0].connection.phase == .connecting)
    }

    @Test func openingWaitsForTheWelcomeBeforeSubscribing() {
        var state = makeState()
        _ = Reducer.reduce(&state, .started(at: 100))
        let effects = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 100.5))
        #expect(effects == [.schedule(after: 2, .welcomeTimedOut(generation: 1))])
        #expect(state.servers[0].connection.phase == .open)
        #expect(!state.servers[0].connection.subscribed)
    }

    @Test func realWelcomeSubscribesWithSingularNamesInTopicOrder() {
        var state = makeState()
        let effects = open(&state, dialect: .real)
        #expect(effects == ["drift", "unmanaged", "policy_decision", "remediation_proposal", "falco", "state_change"]
            .map { .send(generation: 1, .subscribe($0)) })
        #expect(state.servers[0].connection.dialect == .real)
    }

    @Test func documentedWelcomeSubscribesWithPluralNames() {
        var state = makeState()
        let effects = open(&state, dialect: .documented)
        #expect(effects == ["drifts", "events", "state", "stats"].map { .send(generation: 1, .subscribe($0)) })
    }

    @Test func noWelcomeSubscribesToBothDialectsAfterTheTimeout() {
        var state = makeState(topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 100))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 100))
        let effects = Reducer.reduce(&state, .welcomeTimedOut(generation: 1))
        #expect(effects == [.send(generation: 1, .subscribe("drift")), .send(generation: 1, .subscribe("drifts"))])
        // A late welcome does not subscribe twice.
        let late = Reducer.reduce(&state, .received(generation: 1, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: 101))
        #expect(late.isEmpty)
    }

    @Test func acknowledgementsAreTracked() {
        var state = makeState(topics: [.drifts])
        _ = open(&state, dialect: .real)
        #expect(state.servers[0].connection.subscriptions["drift"] == .sent)
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.control(.subscribed("drift"))], at: 101))
        #expect(state.servers[0].connection.subscriptions["drift"] == .acknowledged)
    }

    @Test func togglingATopicSendsTheRightWireMessages() {
        var state = makeState()
        _ = open(&state, dialect: .real)
        let off = Reducer.reduce(&state, .command(.toggleTopic(.drifts)))
        #expect(off == [.send(generation: 1, .unsubscribe("drift"))])
        #expect(!state.servers[0].desiredTopics.contains(.drifts))
        let on = Reducer.reduce(&state, .command(.toggleTopic(.all)))
        #expect(on == [.send(generation: 1, .subscribe("all"))])
        let stats = Reducer.reduce(&state, .command(.toggleTopic(.stats)))
        #expect(stats.isEmpty, "the real server has no stats topic to unsubscribe from")
        #expect(!state.servers[0].desiredTopics.contains(.stats))
    }

    @Test func togglingWhileDisconnectedOnlyChangesTheDesiredSet() {
        var state = makeState(topics: [])
        let effects = Reducer.reduce(&state, .command(.toggleTopic(.events)))
        #expect(effects.isEmpty)
        #expect(state.servers[0].desiredTopics == [.events])
    }

    @Test func batchesFillPanesAndStatistics() {
        var state = makeState()
        _ = open(&state, dialect: .real)
        let items: [Incoming] = [
            drift(1, severity: .critical), drift(2),
            .event(EventRecord(receivedAt: 100, topic: .unmanaged, severity: .warning, title: "RunInstances", resource: "aws_instance i-9")),
            .stateChange(StateRecord(receivedAt: 100, resource: "aws_s3_bucket.logs", action: "modified")),
            .malformed("bad line"), .unknown(type: "brand_new"),
        ]
        _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: 130))
        #expect(state.feed.drifts.count == 2)
        #expect(state.feed.events.count == 1)
        #expect(state.feed.stateChanges.count == 1)
        #expect(state.feed.stats.total == 4)
        #expect(state.feed.stats.severityCounts[.critical] == 1)
        #expect(state.feed.stats.severityCounts[.warning] == 1)
        #expect(state.feed.stats.kindCounts == ["drift": 2, "unmanaged": 1, "state": 1])
        #expect(state.feed.stats.topResourceTypes(1).first?.type == "aws_instance")
        #expect(state.feed.stats.lastMinute(now: 130) == 4)
        #expect(state.feed.stats.lastMinute(now: 200) == 0)
        #expect(state.diagnostics.malformed == 1)
        #expect(state.diagnostics.unknown == 1)
        #expect(state.servers[0].connection.lastFrameAt == 130)
    }

    @Test func historiesStayBounded() {
        var state = makeState(history: 50)
        _ = open(&state, dialect: .real)
        for batch in 0..<20 {
            _ = Reducer.reduce(&state, .received(generation: 1, items: (0..<10).map { drift(batch * 10 + $0) }, at: 101))
        }
        #expect(state.feed.drifts.count == 50)
        #expect(state.feed.drifts.evicted == 150)
        #expect(state.feed.drifts[state.feed.drifts.newestSeq!]?.resourceID == "i-199")
        #expect(state.feed.stats.total == 200)
    }

    @Test func staleGenerationsAreIgnored() {
        var state = makeState()
        _ = open(&state, dialect: .real)
        _ = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("lost"), at: 110, jitter: 0.5))
        _ = Reducer.reduce(&state, .retryDue(generation: 1))
        #expect(state.servers[0].connection.generation == 2)
        let stale = Reducer.reduce(&state, .received(generation: 1, items: [drift(1)], at: 111))
        #expect(stale.isEmpty)
        #expect(state.feed.drifts.isEmpty)
        let staleClose = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("old"), at: 112, jitter: 0))
        #expect(staleClose.isEmpty)
        #expect(state.servers[0].connection.phase == .connecting)
    }

    @Test func aClosedConnectionBacksOffThenReconnects() {
        var state = makeState()
        _ = open(&state, dialect: .real)
        let effects = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("connection lost"), at: 200, jitter: 0.5))
        #expect(effects == [.schedule(after: 0.5, .retryDue(generation: 1))])
        #expect(state.servers[0].connection.phase == .backingOff(until: 200.5))
        #expect(state.servers[0].connection.lastCloseReason == "connection lost")
        #expect(state.servers[0].connection.subscriptions.isEmpty)
        let retry = Reducer.reduce(&state, .retryDue(generation: 1))
        #expect(retry == [.connect(generation: 2, url: Self.url)])
        // The new socket subscribes again, to exactly the desired topics.
        _ = Reducer.reduce(&state, .connectionOpened(generation: 2, at: 201))
        let again = Reducer.reduce(&state, .received(generation: 2, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: 201))
        #expect(again.count == 6)
    }

    @Test func maxRetriesStops() {
        var state = State(settings: Settings(url: Self.url, maxRetries: 1, restEnabled: false), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 0))
        _ = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("refused"), at: 1, jitter: 0))
        _ = Reducer.reduce(&state, .retryDue(generation: 1))
        let effects = Reducer.reduce(&state, .connectionClosed(generation: 2, Disconnection("refused"), at: 2, jitter: 0))
        #expect(effects.isEmpty)
        guard case .stopped(let reason) = state.servers[0].connection.phase else {
            Issue.record("expected stopped, got \(state.servers[0].connection.phase)")
            return
        }
        #expect(reason == .gaveUp(retries: 1, lastError: "refused"))
    }

    @Test func quitClosesTheSocketAndStops() {
        var state = makeState()
        _ = open(&state, dialect: .real)
        #expect(Reducer.reduce(&state, .command(.quit)) == [.disconnect(generation: 1), .quit])
        #expect(state.quitting)
    }

    @Test func selectionHoldsWhileNewItemsArrive() {
        var state = makeState()
        _ = open(&state, dialect: .real)
        _ = Reducer.reduce(&state, .received(generation: 1, items: (0..<10).map { drift($0) }, at: 101))
        _ = Reducer.reduce(&state, .command(.moveSelection(2)))
        #expect(state.ui.scroll(of: .drifts) == PaneScroll(follow: false, selected: 7, top: 9))
        _ = Reducer.reduce(&state, .received(generation: 1, items: (10..<15).map { drift($0) }, at: 102))
        #expect(state.ui.scroll(of: .drifts).selected == 7)
        _ = Reducer.reduce(&state, .command(.jumpNewest))
        #expect(state.ui.scroll(of: .drifts).follow)
    }

    @Test func focusCycles() {
        var state = makeState()
        _ = Reducer.reduce(&state, .command(.focusNext))
        #expect(state.ui.focus == .events)
        _ = Reducer.reduce(&state, .command(.focusPrevious))
        _ = Reducer.reduce(&state, .command(.focusPrevious))
        #expect(state.ui.focus == .stats)
    }

    @Test func serverErrorsAndSendFailuresAreCounted() {
        var state = makeState()
        _ = open(&state, dialect: .real)
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.control(.error("Query not implemented yet"))], at: 101))
        _ = Reducer.reduce(&state, .sendFailed(generation: 1, message: .ping, reason: "not connected"))
        #expect(state.diagnostics.errorCount == 2)
        #expect(state.diagnostics.lastError?.kind == .sendFailed(what: "ping", reason: "not connected"))
    }
}
