import Testing
@testable import TFDriftCore
@testable import TFDriftNetwork
import TFDriftSimulator
import TFDriftWire

/// The real client against the project's simulator over loopback, in both dialects.
@Suite(.serialized)
struct LiveConnectionTests {
    static let allPanes: Set<Topic> = [.drifts, .events, .state, .stats]

    @Test func realDialectWelcomeAcknowledgementAndPanes() throws {
        let (server, url) = try startServer(.real, rate: 400)
        defer { server.stop() }
        let state = runScenario(url: url, topics: Self.allPanes, steps: [
            Step(name: "welcome from the real server") { $0.servers[0].connection.dialect == .real && $0.servers[0].connection.serverVersion == "0.9.0" },
            Step(name: "every subscription acknowledged") { s in
                ["drift", "unmanaged", "policy_decision", "remediation_proposal", "falco", "state_change"]
                    .allSatisfy { s.servers[0].connection.subscriptions[$0] == .acknowledged }
            },
            Step(name: "all three list panes filling") { $0.feed.drifts.count >= 10 && $0.feed.events.count >= 10 && $0.feed.stateChanges.count >= 5 },
        ])
        #expect(state.diagnostics.malformed == 0)
        #expect(state.diagnostics.unknown == 0)
        #expect(state.feed.stats.kindCounts["drift"] == state.feed.drifts.count)
        #expect(Set(state.feed.stats.kindCounts.keys).isSuperset(of: ["drift", "state"]))
        // Every drift came with a user and a resource from the real server's shape.
        for seq in state.feed.drifts.oldestSeq!...state.feed.drifts.newestSeq! {
            let drift = state.feed.drifts[seq]!
            #expect(!drift.resourceType.isEmpty && !drift.resourceID.isEmpty)
        }
    }

    @Test func documentedDialectWelcomeAndPanes() throws {
        let (server, url) = try startServer(.documented, rate: 400)
        defer { server.stop() }
        let state = runScenario(url: url, topics: Self.allPanes, steps: [
            Step(name: "documented welcome") { $0.servers[0].connection.dialect == .documented },
            Step(name: "panes filling and stats arriving") {
                $0.feed.drifts.count >= 10 && $0.feed.events.count >= 5 && $0.feed.stateChanges.count >= 5 && $0.servers[0].reported?.driftTotal != nil
            },
        ])
        #expect(state.servers[0].connection.subscriptions.keys.sorted() == ["drifts", "events", "state", "stats"])
        #expect(state.diagnostics.errorCount == 0)
        // The documented API has no falco-free event kinds: every event is a Falco event.
        for seq in state.feed.events.oldestSeq!...state.feed.events.newestSeq! {
            #expect(state.feed.events[seq]!.topic == .falco)
        }
    }

    @Test(arguments: Dialect.allCases)
    func togglingATopicChangesWhatArrives(dialect: Dialect) throws {
        let (server, url) = try startServer(dialect, rate: 400)
        defer { server.stop() }
        var driftsWhenOff = -1
        var eventsWhenOff = -1
        let state = runScenario(url: url, topics: [.drifts, .events], steps: [
            // The server handles a client's messages in order and answers through the same queue as its
            // events, so once the pong of a ping sent after the unsubscribe is back, no drift can follow.
            Step(name: "drifts arriving", until: { $0.feed.drifts.count >= 5 && $0.feed.events.count >= 2 },
                 then: { _ in [.command(.toggleTopic(.drifts)), .command(.send(.ping))] }),
            Step(name: "pong after the unsubscribe") { s in
                guard s.servers[0].connection.roundTrip != nil else { return false }
                driftsWhenOff = s.feed.drifts.count
                eventsWhenOff = s.feed.events.count
                return true
            },
            Step(name: "many more events after the toggle") { $0.feed.events.count >= eventsWhenOff + 60 },
        ])
        #expect(state.feed.drifts.count == driftsWhenOff, "drifts kept arriving after unsubscribing")
        #expect(!state.servers[0].desiredTopics.contains(.drifts))
        if dialect == .real { #expect(state.servers[0].connection.subscriptions["drift"] == nil, "the unsubscribe was acknowledged") }
    }

    @Test func oversizedMessagesAreRefusedBeforeSendingAndTheLinkStays() throws {
        let (server, url) = try startServer(.real, rate: 50)
        defer { server.stop() }
        let big = ClientMessage.query(.string(String(repeating: "x", count: 600)))
        var refusal: String?
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "subscribed", until: { $0.servers[0].connection.subscriptions["drift"] == .acknowledged },
                 perform: { s, client in client.send(generation: s.servers[0].connection.generation, big) }),
            Step(name: "still receiving after the refusal") { $0.diagnostics.sendFailures >= 1 && $0.feed.drifts.count >= 3 },
        ], onAction: { action, _ in
            if case .sendFailed(_, _, let reason) = action { refusal = reason }
        })
        #expect(refusal?.contains("512-byte limit") == true)
        #expect(state.servers[0].connection.generation == 1)
        #expect(state.servers[0].connection.phase == .open)
    }

    @Test func theSimulatorClosesWith1009OnMessagesOver512Bytes() throws {
        let (server, url) = try startServer(.real, rate: 20)
        defer { server.stop() }
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "subscribed", until: { $0.servers[0].connection.subscriptions["drift"] == .acknowledged },
                 perform: { s, client in
                     client.sendUnchecked(generation: s.servers[0].connection.generation, text: #"{"type":"ping","pad":""# + String(repeating: "x", count: 600) + "\"}")
                 }),
            Step(name: "closed by the server") { $0.servers[0].connection.lastCloseReason != nil },
        ], configure: { $0.backoff = BackoffPolicy(base: 30, factor: 2, cap: 30) })
        #expect(state.servers[0].connection.lastCloseReason?.contains("1009 message too big") == true)
    }

    @Test func controlPingsAreAnsweredSoTheServerKeepsTheConnection() throws {
        // The server pings every 0.2 s and drops a client that sent no pong for 0.6 s: without automatic
        // pongs the link would die within the scenario.
        let (server, url) = try startServer(.real, rate: 20) {
            $0.pingInterval = 0.2
            $0.pongTimeout = 0.6
        }
        defer { server.stop() }
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "open") { $0.servers[0].connection.phase == .open },
            Step(name: "three seconds of pings") { s in (s.servers[0].connection.openedAt.map { s.now - $0 } ?? 0) >= 3 },
        ])
        #expect(state.servers[0].connection.generation == 1, "the connection was dropped and reopened")
        #expect(state.servers[0].connection.phase == .open)
    }

    @Test func serverRestartIsReconnectedAndResubscribed() throws {
        let (server, url) = try startServer(.real, rate: 200)
        defer { server.stop() }
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "first connection receiving", until: { $0.feed.drifts.count >= 3 }, perform: { _, _ in server.goDown() }),
            Step(name: "connection lost noticed", until: { $0.servers[0].connection.phase != .open }, perform: { _, _ in server.comeBack() }),
            Step(name: "second connection subscribed and receiving") { s in
                s.servers[0].connection.generation >= 2 && s.servers[0].connection.phase == .open && s.servers[0].connection.subscriptions["drift"] == .acknowledged
            },
        ], configure: { $0.backoff = BackoffPolicy(base: 0.05, factor: 2, cap: 0.2) })
        #expect(state.servers[0].connection.lastCloseReason?.contains("1006") == true, "a restart drops without a close frame")
        #expect(state.servers[0].connection.subscriptions.keys.sorted() == ["drift"])
    }
}
