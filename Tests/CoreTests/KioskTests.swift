import Testing
@testable import TFDriftCore
import TFDriftWire

struct KioskTests {
    static func store(alert: KioskSettings.Alert = .bell) -> StoreTester {
        var store = InvestigateReducerTests.store()
        store.state.ui.kiosk = KioskState(settings: KioskSettings(cycle: 15, staleAfter: 90, alert: alert))
        return store
    }

    @Test func onlyAConfirmedQQuitsAndNoOtherKeyChangesAnything() {
        var store = Self.store()
        for key: Key in [.character("2"), .character("r"), .character("/"), .enter, .tab, .character(" "), .character("z")] {
            store.send(.key(key))
        }
        store.send(.key(.character("q"))) { $0.ui.kiosk?.confirmingQuit = true }
        store.send(.key(.character("n"))) { $0.ui.kiosk?.confirmingQuit = false }
        store.send(.key(.character("q"))) { $0.ui.kiosk?.confirmingQuit = true }
        store.send(.key(.character("y")), effects: [.disconnect(generation: 1), .quit]) {
            $0.ui.kiosk?.confirmingQuit = false
            $0.quitting = true
        }
    }

    @Test func helpOpensAndAnyKeyClosesIt() {
        var store = Self.store()
        store.send(.key(.character("?"))) { $0.ui.showHelp = true }
        store.send(.key(.character("q"))) { $0.ui.showHelp = false }
    }

    @Test func theHighlightMovesOnByItself() {
        var state = Self.store().state
        _ = Reducer.reduce(&state, .tick(at: 110))
        #expect(state.ui.focus == .drifts, "not yet: 15 s from the start")
        _ = Reducer.reduce(&state, .tick(at: 115))
        #expect(state.ui.focus == .events)
        _ = Reducer.reduce(&state, .tick(at: 130))
        #expect(state.ui.focus == .state)
        _ = Reducer.reduce(&state, .tick(at: 145))
        #expect(state.ui.focus == .drifts)
    }

    static func critical(history: Bool = false, backfilled: Bool = false, id: String) -> Incoming {
        var d = DriftRecord(receivedAt: 0, severity: .critical, resourceType: "aws_iam_role", resourceID: id, attribute: "policy", oldValue: "a", newValue: id)
        d.history = history
        d.backfilled = backfilled
        return .drift(d)
    }

    @Test func aNewLiveCriticalDriftAlertsAtMostOncePerTenSeconds() {
        var state = Self.store().state
        func receive(_ items: [Incoming], at: Double) -> [Effect] {
            Reducer.reduce(&state, .received(generation: 1, items: items, at: at))
        }
        #expect(receive([Self.critical(id: "a")], at: 102) == [.alert(.bell)])
        #expect(receive([Self.critical(id: "b")], at: 105).isEmpty, "rate-limited")
        #expect(receive([Self.critical(history: true, id: "c")], at: 120).isEmpty, "history never alerts")
        #expect(receive([.drift(DriftRecord(receivedAt: 0, severity: .high, resourceType: "t", resourceID: "d"))], at: 121).isEmpty)
        #expect(receive([Self.critical(id: "e")], at: 122) == [.alert(.bell)])
        #expect(state.ui.kiosk?.alerts == 2)
        var quiet = Self.store(alert: .none).state
        #expect(Reducer.reduce(&quiet, .received(generation: 1, items: [Self.critical(id: "f")], at: 102)).isEmpty)
    }

    @Test func staleWhenDownPollingOrSilentAndNotWhileDataFlows() {
        var state = Self.store().state
        #expect(state.staleness(after: 90) == nil)
        state.now = 101 + 91
        #expect(state.staleness(after: 90) == .silent(91))
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.control(.pong)], at: 192))
        #expect(state.staleness(after: 90) == nil, "a frame arrived")
        _ = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("gone"), at: 193, jitter: 0))
        guard case .down(.backingOff)? = state.staleness(after: 90) else {
            Issue.record("a dropped link is stale at once: \(String(describing: state.staleness(after: 90)))")
            return
        }
        state.servers[0].rest.polling = true
        #expect(state.staleness(after: 90) == .polling)
    }
}
