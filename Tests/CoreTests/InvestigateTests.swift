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

    /// What the pane shows can be typed back: the resource address, the change with either arrow, a quoted
    /// phrase (once `/aws_kms_key.data` found nothing: `0/164`).
    @Test(arguments: [
        ("aws_kms_key.data", [true, false]),
        ("AWS_KMS_KEY.DATA", [true, false]),
        ("\"enabled → disabled\"", [true, false]),
        ("\"enabled -> disabled\"", [true, false]),
        ("\"kms_key.data\" sev:crit", [true, false]),
        ("-\"aws_kms_key.data\"", [false, true]),
        ("user:\"Jane Doe\"", [false, true]),
        ("\"jane doe", [false, true]),
        ("enabled → disabled", [true, false]),
        ("\"\" aws_instance.web", [false, true]),
    ])
    func matchingWhatThePaneShows(text: String, expected: [Bool]) {
        let items = [
            DriftRecord(receivedAt: 0, severity: .critical, resourceType: "aws_kms_key", resourceName: "data", resourceID: "k-1",
                        attribute: "key_rotation", oldValue: "enabled", newValue: "disabled", user: "alice"),
            DriftRecord(receivedAt: 0, severity: .low, resourceType: "aws_instance", resourceName: "web", resourceID: "i-1",
                        attribute: "tags", oldValue: "a", newValue: "b", user: "Jane Doe"),
        ]
        #expect(items.map { Filter(text).matches($0.filterFields) } == expected, "filter \(text)")
    }

    /// The byte-wise comparison used for ASCII text answers as `lowercased().contains` does, for any text.
    @Test func caseInsensitiveContainsAgreesWithLowercased() {
        var rng = SplitMix64(seed: 5)
        let alphabet = Array("aAbB.→ _東Ää1")
        func random(_ length: Int) -> String { String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }) }
        for _ in 0..<5_000 {
            let text = random(Int(rng.next() % 12)), word = random(Int(rng.next() % 4)).lowercased()
            #expect(Filter.contains(text, lowercased: word) == text.lowercased().contains(word) || word.isEmpty, "\(text) / \(word)")
        }
        #expect(Filter.contains("AWS_KMS_KEY.Data", lowercased: "kms_key.data"))
        #expect(Filter.contains("東京_Bucket", lowercased: "bucket"))
        #expect(!Filter.contains("abc", lowercased: "abcd"))
    }

    @Test func quotedPhrasesAreOneTerm() {
        #expect(Filter.words(#"a "b c" -"d e" user:"f g" "h"#) == ["a", "b c", "-d e", "user:f g", "h"])
        #expect(Filter.words(#"  ""  x  "#) == ["x"])
    }
}

/// The answers a narrowed pane draws from are decided once per item; whatever arrives, is evicted, or changes
/// the filter, they are the answers deciding afresh would give.
struct MatchCacheTests {
    @Test func theCachedAnswersAreAlwaysTheFreshOnes() {
        var rng = SplitMix64(seed: 11)
        var state = State(settings: Settings(url: "ws://x/ws", historyLimit: 200, restEnabled: false), topics: [.drifts, .events])
        _ = Reducer.reduce(&state, .started(at: 0))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 0))
        let filters = ["", "sev:high+", "aws_iam", "-user:bob", "\"a → b\"", "type:aws_s3*", "res:aws_iam_role.n"]
        let types = ["aws_iam_role", "aws_s3_bucket", "aws_instance"]
        let severities: [Severity] = [.critical, .high, .medium, .low]
        var cachedChecks = 0
        for step in 0..<400 {
            switch rng.next() % 10 {
            case 0:
                _ = Reducer.reduce(&state, .command(.setFilter(filters[Int(rng.next() % UInt64(filters.count))])))
            case 1:
                _ = Reducer.reduce(&state, .command(.cycleMinimumSeverity))
            default:
                let items = (0..<Int(1 + rng.next() % 20)).map { i in
                    Incoming.drift(FilterGrammarTests.drift(
                        severities[(step + i) % 4], types[Int(rng.next() % 3)], user: rng.next() % 2 == 0 ? "bob" : "alice"))
                }
                _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: Double(step)))
            }
            guard let range = state.retained(.drifts) else { continue }
            for seq in range {
                if state.isNarrowed(.drifts) {
                    let cached = try? #require(state.ui.matches[.drifts]?[seq], "seq \(seq) not decided at step \(step)")
                    #expect(cached == state.passes(.drifts, seq), "seq \(seq) at step \(step)")
                    cachedChecks += 1
                }
            }
            let fresh = range.filter { !state.isNarrowed(.drifts) || state.passes(.drifts, $0) }.count
            #expect(state.visibleCount(.drifts) == fresh, "count at step \(step)")
        }
        #expect(cachedChecks > 10_000, "the filters narrowed the pane for long enough to check")
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
        // Opening the line again and leaving it with Esc keeps the filter that was kept, whatever was typed.
        store.send(.key(.character("/"))) {
            $0.ui.editingFilter = true
            $0.ui.keptFilter = Filter("sev:crit")
        }
        store.send(.key(.character("x"))) { $0.ui.filters[.drifts] = Filter("sev:critx") }
        store.send(.key(.escape)) {
            $0.ui.editingFilter = false
            $0.ui.keptFilter = nil
            $0.ui.filters[.drifts] = Filter("sev:crit")
        }
        #expect(store.state.visibleCount(.drifts) == 3)
        // Esc in the pane clears it.
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

struct HistoryOnStartTests {
    static func connected(history: Int) -> StoreTester {
        var state = State(settings: Settings(url: "ws://x/ws", restEnabled: true, historyOnStart: history), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 0))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 0))
        return StoreTester(state: state)
    }

    @Test func theLastDriftsLoadAsHistoryAndNeverTwice() {
        var store = Self.connected(history: 3)
        let welcome = Action.received(generation: 1, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: 1)
        _ = Reducer.reduce(&store.state, welcome)
        let list = ["a", "b", "c", "d", "e"].map { RestSyncTests.drift($0) }
        let first = Reducer.reduce(&store.state, .restResponse(.drifts(page: 1, limit: 1), RestSyncTests.page([list[0]], limit: 1, total: 5), at: 2))
        #expect(first == [.fetch(.history(page: 1, limit: RestSync.pageSize, from: 2, total: 5))])
        // A live drift that is also in the list arrives while the history loads.
        let live = Ingest.drift(list[4], receivedAt: 2.5, time: nil)
        _ = Reducer.reduce(&store.state, .received(generation: 1, items: [.drift(live)], at: 2.5))
        let done = Reducer.reduce(&store.state, .restResponse(.history(page: 1, limit: RestSync.pageSize, from: 2, total: 5), RestSyncTests.page(list, total: 5), at: 3))
        #expect(done.isEmpty)
        let ids = (0..<store.state.feed.drifts.nextSeq).compactMap { store.state.feed.drifts[$0] }.map { ($0.resourceID, $0.history) }
        #expect(ids.map(\.0) == ["e", "c", "d"], "the last three, the live one not twice")
        #expect(ids.map(\.1) == [false, true, true])
        #expect(store.state.servers[0].rest.cursor == 5 && store.state.servers[0].rest.anchor == DriftDigest(Ingest.drift(list[4], receivedAt: 0, time: nil)))
        #expect(store.state.servers[0].rest.historyLoaded == 2)
    }

    @Test func noEndpointLeavesTheDashboardLiveOnlyAndSaysSo() {
        var store = Self.connected(history: 500)
        _ = Reducer.reduce(&store.state, .received(generation: 1, items: [.control(.welcome(dialect: .real, version: "", clientID: ""))], at: 1))
        _ = Reducer.reduce(&store.state, .restResponse(.drifts(page: 1, limit: 1), RestSyncTests.page([RestSyncTests.drift("a")], limit: 1, total: 9), at: 2))
        store.send(.restResponse(.history(page: 1, limit: RestSync.pageSize, from: 0, total: 9), .failure(status: 404, message: "404 page not found"), at: 3)) {
            $0.now = 3
            $0.servers[0].rest.driftsInFlight = false
            $0.servers[0].rest.lastError = "HTTP 404: 404 page not found"
            $0.servers[0].rest.historyProblem = "HTTP 404: 404 page not found"
            // History is over: live drifts from before the first read are settled.
            $0.servers[0].rest.firstReadMark = nil
            // Kept for the diagnostics view, not made the status bar's last error.
            $0.diagnostics.problems.append(Problem(at: 3, .restFailed(path: "/api/v1/drifts?page=1&limit=250", reason: "HTTP 404: 404 page not found")))
        }
        #expect(store.state.feed.drifts.isEmpty)
    }
}
