import Testing
import TFDriftCore
import TFDriftSimulator

/// A drift's identity is its detection, not its content: against the simulator in its real-server mode with every
/// drift the same change made again (`driftRepeats` 1: same resource, attribute, old and new value, empty inner
/// timestamp, each repeat its own list entry), every detection is shown exactly once, whichever way it came.
/// The old content-keyed window dropped every repeat of a drift it had loaded, backfilled or polled.
@Suite(.serialized)
struct DriftIdentityTests {
    static func repeating(_ configure: (inout SimulatorOptions) -> Void = { _ in }) throws -> (DemoServer, String) {
        try startServer(.real, rate: 0) {
            $0.driftRepeats = 1
            configure(&$0)
        }
    }

    static func drifts(_ state: State, server: Int? = nil) -> [DriftRecord] {
        guard let oldest = state.feed.drifts.oldestSeq else { return [] }
        return (oldest..<state.feed.drifts.nextSeq).compactMap { state.feed.drifts[$0] }.filter { server == nil || $0.server == server }
    }

    /// History of one drift, then the same change three more times live: 1 history + 3 live.
    @Test func historyThenTheSameChangeLiveIsShownEveryTime() throws {
        let (server, url) = try Self.repeating()
        defer { server.stop() }
        server.generateDrifts(1)
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "the history", until: { $0.servers[0].rest.historyLoaded == 1 }, perform: { _, _ in server.generateDrifts(3) }),
            Step(name: "three live repeats") { Self.drifts($0).count == 4 },
        ], configure: {
            RecoveryTests.quick(&$0)
            $0.historyOnStart = 50
        })
        let shown = Self.drifts(state)
        #expect(shown.count == server.driftCount)
        #expect(shown.map(\.history) == [true, false, false, false])
        #expect(Set(shown.map(DriftDigest.init)).count == 1, "one change, four detections")
        // The first live one came within seconds of the history read, looking like its late frame: held until the
        // list past the cursor showed it is a new entry. That read also met the live ones already shown: each
        // entry seen both ways is counted (one to three, as the frames and the read interleaved), none dropped.
        #expect(state.diagnostics.mergedLive == 0 && (1...3).contains(state.diagnostics.mergedListed))
        #expect(state.feed.stats.total == 3 && state.feed.stats.history == 1, "history is not traffic")
    }

    /// Upgrades refused: the list is polled, and holds the same change four times: four lines.
    @Test func pollingShowsEveryRepeatOfTheList() throws {
        let (server, url) = try Self.repeating()
        defer { server.stop() }
        server.setFaults(SimulatorFaults(refuseUpgrade: 500))
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "polling", until: { $0.servers[0].rest.polling && $0.servers[0].rest.cursor != nil }, perform: { _, _ in server.generateDrifts(4) }),
            Step(name: "four drifts polled") { Self.drifts($0).count == 4 },
        ], configure: RecoveryTests.quick)
        #expect(Self.drifts(state).allSatisfy { $0.backfilled })
        #expect(server.driftCount == 4)
        #expect(state.diagnostics.mergedListed == 0)
    }

    /// The link drops (the server keeps its list); meanwhile the same change is made twice more.
    @Test func aGapBackfillMergesTheLiveOneOnly() throws {
        let (server, url) = try Self.repeating()
        defer { server.stop() }
        var dropped = false
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "subscribed, cursor known", until: { $0.servers[0].connection.subscriptions["drift"] == .acknowledged && $0.servers[0].rest.cursor != nil }, perform: { _, _ in
                server.generateDrifts(1)
            }),
            Step(name: "the live one", until: { Self.drifts($0).count == 1 }, perform: { _, _ in
                // Refuse the next upgrades, drop the link, and make the change twice while it is down.
                server.setFaults(SimulatorFaults(refuseUpgrade: 503))
                server.dropConnections()
                server.generateDrifts(2)
                dropped = true
            }),
            Step(name: "a reconnect attempt failed", until: { dropped && $0.servers[0].connection.lastCloseReason?.contains("503") == true }, perform: { _, _ in
                server.setFaults(SimulatorFaults())
            }),
            Step(name: "back, backfilled") { $0.servers[0].connection.opens == 2 && $0.servers[0].rest.openGap == nil && !$0.feed.gaps.isEmpty },
        ], configure: RecoveryTests.quick)
        let shown = Self.drifts(state)
        #expect(shown.count == 3 && server.driftCount == 3)
        #expect(shown.map(\.backfilled) == [false, true, true])
        #expect(state.diagnostics.mergedListed == 1, "the live one met in the list, counted")
        #expect(state.feed.gaps.last?.backfilled == 2)
    }

    /// A restarted server's list holds one change twice: both are new, whatever the client showed before.
    @Test func aRestartedServersRepeatsAreAllShown() throws {
        let (server, url) = try Self.repeating()
        defer { server.stop() }
        // One drift before the client starts anchors its cursor, so the restart can be told from a gap.
        server.generateDrifts(1)
        let state = runScenario(url: url, topics: [.drifts], steps: [
            Step(name: "subscribed, cursor anchored", until: { $0.servers[0].connection.subscriptions["drift"] == .acknowledged && $0.servers[0].rest.anchor != nil }, perform: { _, _ in
                server.generateDrifts(1)
            }),
            Step(name: "the live one", until: { Self.drifts($0).count == 1 }, perform: { _, _ in
                server.goDown()
                server.generateDrifts(2)  // the new incarnation's list: the same change, twice
                server.comeBack()
            }),
            Step(name: "the restart seen and its list backfilled") { $0.servers[0].rest.restartsDetected == 1 && Self.drifts($0).count == 3 && $0.servers[0].rest.openGap == nil },
        ], configure: RecoveryTests.quick)
        #expect(Self.drifts(state).map(\.backfilled) == [false, true, true])
        #expect(state.diagnostics.mergedListed == 0 && state.diagnostics.mergedLive == 0)
    }
}

/// Several servers: each one's repeats and each one's REST-read state changes land on that server alone.
@Suite(.serialized)
struct ServerAttributionTests {
    @Test func twoServersWithTheSameRepeatsEachShowTheirOwn() throws {
        let (a, urlA) = try DriftIdentityTests.repeating()
        let (b, urlB) = try DriftIdentityTests.repeating()
        defer {
            a.stop()
            b.stop()
        }
        a.generateDrifts(2)
        b.generateDrifts(1)
        let initial = State(servers: [
            ServerState(name: "a", settings: Settings(url: urlA), topics: [.drifts]),
            ServerState(name: "b", settings: Settings(url: urlB), topics: [.drifts]),
        ])
        let state = runScenario(url: urlA, topics: [], steps: [
            Step(name: "both histories", until: { $0.servers.allSatisfy { $0.rest.historyLoaded != nil } }, perform: { _, _ in
                a.generateDrifts(3)
                b.generateDrifts(5)
            }),
            Step(name: "every repeat of both") { s in
                DriftIdentityTests.drifts(s, server: 0).count == 5 && DriftIdentityTests.drifts(s, server: 1).count == 6
            },
        ], configure: {
            RecoveryTests.quick(&$0)
            $0.historyOnStart = 50
        }, initial: initial)
        #expect(DriftIdentityTests.drifts(state, server: 0).map(\.history) == [true, true] + Array(repeating: false, count: 3))
        #expect(DriftIdentityTests.drifts(state, server: 1).map(\.history) == [true] + Array(repeating: false, count: 5))
        #expect(state.diagnostics.mergedLive == 0)
    }

    /// The Terraform state read over REST (`/api/v1/state`'s serial moved) was recorded as the first server's.
    @Test func aRESTReadStateChangeNamesItsServer() throws {
        let (still, urlStill) = try startServer(.real, rate: 0)
        let (moving, urlMoving) = try startServer(.real, rate: 0)
        defer {
            still.stop()
            moving.stop()
        }
        let initial = State(servers: [
            ServerState(name: "still", settings: Settings(url: urlStill), topics: [.drifts]),
            ServerState(name: "moving", settings: Settings(url: urlMoving), topics: [.drifts]),
        ])
        func changes(_ s: State) -> [StateRecord] {
            guard let oldest = s.feed.stateChanges.oldestSeq else { return [] }
            return (oldest..<s.feed.stateChanges.nextSeq).compactMap { s.feed.stateChanges[$0] }.filter { $0.resource == "terraform state" }
        }
        let state = runScenario(url: urlStill, topics: [], steps: [
            Step(name: "both states read", until: { $0.servers.allSatisfy { if case .loaded = $0.rest.terraformState { true } else { false } } }, perform: { _, _ in
                moving.generateDrifts(25)  // the simulated state's serial moves every 25 drifts
            }),
            Step(name: "the moving one's change") { changes($0).count >= 1 },
        ], configure: {
            RecoveryTests.quick(&$0)
            $0.stateInterval = 0.2
        }, initial: initial)
        #expect(!changes(state).isEmpty && changes(state).allSatisfy { $0.server == 1 }, "\(changes(state).map(\.server))")
    }
}
