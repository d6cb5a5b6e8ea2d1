import Testing
@testable import TFDriftCore
import TFDriftWire

struct FilterGrammarTests {
    static func drift(_ severity: Severity, _ type: String, user: String = "alice", attribute: String = "policy") -> DriftRecord {
        DriftRecord(receivedAt: 0, severity: severity, resourceType: type, resourceName: "n", resourceID: "id", attribute: attribute,
                    oldValue: "a", newValue: "b", user: user)
    }

    @Test func termsParseAndInvalidOnesAreKeptAndIgnored() {
        let filter = Filter("sev:high+ type:aws_iam* -user:bob bogus:x sev:extreme ingress")
        #expect(filter.terms.map(\.test) == [
            .severity(.high, orAbove: true), .field(.type, pattern: "aws_iam*"), .field(.user, pattern: "bob"), nil, nil, .text("ingress"),
        ])
        #expect(filter.terms[2].negated)
        #expect(filter.invalidTerms.map(\.problem) == ["unknown field bogus", "unknown severity extreme"])
    }

    @Test(arguments: [
        ("sev:high+", [true, true, false, false]),
        ("sev:crit", [true, false, false, false]),
        ("type:aws_iam*", [true, false, true, false]),
        ("type:aws_iam* sev:crit", [true, false, false, false]),
        ("-user:bob", [true, true, true, false]),
        ("POLICY", [true, true, true, false]),
        ("attr:ingress", [false, false, false, true]),
        ("topic:drift", [true, true, true, true]),
        ("bogus:x", [true, true, true, true]),
        ("type:aws_?am_role", [true, false, false, false]),
    ])
    func matching(text: String, expected: [Bool]) {
        let items = [
            Self.drift(.critical, "aws_iam_role"), Self.drift(.high, "aws_s3_bucket"), Self.drift(.low, "aws_iam_policy"),
            Self.drift(.medium, "aws_security_group", user: "bob", attribute: "ingress"),
        ]
        #expect(items.map { Filter(text).matches($0.filterFields) } == expected, "filter \(text)")
    }
}

struct InvestigateReducerTests {
    /// A store with `count` drifts alternating critical IAM and medium S3, connected, 80x24.
    static func store(drifts count: Int = 6) -> StoreTester {
        var state = State(settings: Settings(url: "ws://x/ws", restEnabled: false), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 100))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 100))
        _ = Reducer.reduce(&state, .resized(width: 80, height: 24, pageRows: [.drifts: 5, .events: 3, .state: 3, .stats: 3]))
        let items: [Incoming] = (0..<count).map { i in
            .drift(i % 2 == 0 ? FilterGrammarTests.drift(.critical, "aws_iam_role") : FilterGrammarTests.drift(.medium, "aws_s3_bucket"))
        }
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))] + items, at: 101))
        return StoreTester(state: state)
    }

    @Test func typingAFilterAppliesAsYouTypeAndEscClearsIt() {
        var store = Self.store()
        store.send(.key(.character("/"))) {
            $0.ui.editingFilter = true
            $0.ui.filters[.drifts] = Filter("")
        }
        for (i, ch) in "sev:crit".enumerated() {
            store.send(.key(.character(ch))) { $0.ui.filters[.drifts] = Filter(String("sev:crit".prefix(i + 1))) }
        }
        #expect(store.state.visibleCount(.drifts) == 3)
        store.send(.key(.enter)) { $0.ui.editingFilter = false }
        store.send(.key(.escape)) { $0.ui.filters[.drifts] = nil }
        #expect(store.state.visibleCount(.drifts) == 6)
    }

    @Test func selectionMovesOverVisibleItemsOnly() {
        var store = Self.store()
        store.state.ui.filters[.drifts] = Filter("sev:crit")  // seqs 0, 2, 4 are critical
        store.send(.key(.character("j"))) { $0.ui.scroll[.drifts] = PaneScroll(follow: false, selected: 2, top: 4) }
        store.send(.key(.character("j"))) { $0.ui.scroll[.drifts] = PaneScroll(follow: false, selected: 0, top: 4) }
        store.send(.key(.character("k"))) { $0.ui.scroll[.drifts] = PaneScroll(follow: false, selected: 2, top: 4) }
        store.send(.key(.character("k"))) { $0.ui.scroll[.drifts] = PaneScroll(follow: true, selected: 4, top: nil) }
    }

    @Test func detailOpensOnTheNewestWhileFollowingStepsAndReturnsToTheSameSelection() {
        var store = Self.store()
        store.send(.key(.enter)) { $0.ui.detail = DetailState(pane: .drifts, seq: 5) }
        store.send(.key(.character("n"))) {
            $0.ui.detail = DetailState(pane: .drifts, seq: 4)
            $0.ui.scroll[.drifts] = PaneScroll(follow: false, selected: 4, top: 5)
        }
        store.send(.key(.character("r"))) { $0.ui.detail?.raw = true }
        store.send(.key(.character("j"))) { $0.ui.detail?.offset = 1 }
        store.send(.key(.character("q"))) { $0.ui.detail = nil }
        #expect(store.state.selectedSeq(.drifts) == 4, "Esc goes back to the item that was open")
        store.send(.key(.character("q")), effects: [.disconnect(generation: 1), .quit]) { $0.quitting = true }
    }

    @Test func aHeldPaneCountsWhatArrivesAndPauseFreezesEveryPane() {
        var store = Self.store()
        store.send(.key(.character("j"))) { $0.ui.scroll[.drifts] = PaneScroll(follow: false, selected: 4, top: 5) }
        store.send(.key(.character(" "))) { $0.ui.pausedAt = [.drifts: 6, .events: 0, .state: 0] }
        _ = Reducer.reduce(&store.state, .received(generation: 1, items: [.drift(FilterGrammarTests.drift(.high, "aws_new"))], at: 102))
        #expect(store.state.newestVisible(.drifts) == 5, "paused: the new drift is counted, not shown")
        #expect(store.state.feed.drifts.count == 7)
        store.send(.key(.character(" "))) { $0.ui.pausedAt = nil }
        #expect(store.state.newestVisible(.drifts) == 6)
    }

    @Test func theMinimumSeverityCyclesAndNarrowsEveryPane() {
        var store = Self.store()
        for level in [Severity.low, .warning, .medium, .high, .critical] {
            store.send(.key(.character("s"))) { $0.ui.minimumSeverity = level }
        }
        #expect(store.state.visibleCount(.drifts) == 3)
        store.send(.key(.character("s"))) { $0.ui.minimumSeverity = nil }
    }

    @Test func helpTakesAnyKeyToClose() {
        var store = Self.store()
        store.send(.key(.character("?"))) { $0.ui.showHelp = true }
        store.send(.key(.character("q"))) { $0.ui.showHelp = false }
    }
}
