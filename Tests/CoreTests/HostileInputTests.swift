import Testing
@testable import TFDriftCore
import TFDriftWire

/// The store's side of the hostile-server findings: numbers that trapped, strings that escaped the sanitiser,
/// and tables whose size was the server's to choose.
struct HostileInputTests {
    @Test(arguments: [1e300, -1, 2.5, Double.infinity, 9.1e15])
    func impossibleRESTTotalsAreReportedNotTrappedOn(total: Double) {
        var state = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 0))
        let body: JSONValue = ["success": true, "data": ["data": [], "total": .number(total)]]
        let effects = Reducer.reduce(&state, .restResponse(.drifts(page: 1, limit: 1), .body(body), at: 1))
        #expect(effects.isEmpty)
        #expect(state.diagnostics.malformed == 1)
        #expect(state.diagnostics.problems[0]?.source == .rest)
        #expect(state.servers[0].rest.cursor == nil, "nothing believed")
        let stats: JSONValue = ["success": true, "data": ["drifts": ["total": .number(total)], "unmanaged": ["total": "x"]]]
        _ = Reducer.reduce(&state, .restResponse(.stats, .body(stats), at: 2))
        #expect(state.diagnostics.malformed == 3)
    }

    @Test func aHugeRetryAfterIsCappedAndSaysSo() {
        var state = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 0))
        let effects = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("upgrade refused: HTTP 429", httpStatus: 429, retryAfter: 1e20), at: 5, jitter: 0.5))
        #expect(effects == [.schedule(after: 3600, .retryDue(generation: 1))])
        #expect(state.servers[0].connection.phase == .backingOff(until: 3605))
        #expect(state.servers[0].connection.lastCloseReason?.contains("Retry-After beyond 3600 s") == true)
    }

    @Test func unknownTopicsAreCleanedAndCapped() {
        let topic = "\u{1B}]0;pwned\u{07}\r\n\u{9B}31m\u{202E}" + String(repeating: "T", count: 1 << 20)
        let text = JSONValue.object(JSONObject([(key: "type", value: "data"), (key: "topic", value: .string(topic)), (key: "data", value: [:])])).jsonText
        let items = Ingest.items(from: FrameDecoder.decode(text), receivedAt: 0)
        guard case .event(let event)? = items.first, case .other(let name) = event.topic else {
            Issue.record("expected an event of an unknown topic, got \(items)")
            return
        }
        #expect(TerminalSafety.isClean(name))
        #expect(name.utf8.count <= Ingest.maximumTopicBytes + 3)
        // The NDJSON writer escapes C1 and bidi characters as well as C0, so its output is inert anywhere.
        let json = JSONValue.string("a\u{9B}b\u{202E}c\u{1B}").jsonText
        #expect(json == #""a\u009bb\u202ec\u001b""#)
    }

    @Test func rawLinesKeptForTheDetailAreCleanedAndCapped() {
        let line = Array(#"{"type":"data","topic":"drift","data":{"resource_id":"evil"#.utf8) + Array("\u{202E}".utf8)
            + Array(String(repeating: "x", count: 5000).utf8) + Array(#""},"timestamp":""}"#.utf8)
        let items = line.withUnsafeBufferPointer { Ingest.items(fromFrame: $0, receivedAt: 0) }
        guard case .drift(let drift)? = items.first else {
            Issue.record("expected a drift, got \(items)")
            return
        }
        #expect(TerminalSafety.isClean(drift.raw), "the raw bidi override survived")
        #expect(drift.raw.utf8.count <= Ingest.maximumRawBytes + 3)
        let plain = Array(#"{"type":"data","topic":"drift","data":{"resource_id":"i-1"},"timestamp":""}"#.utf8)
        let simple = plain.withUnsafeBufferPointer { Ingest.items(fromFrame: $0, receivedAt: 0) }
        guard case .drift(let d)? = simple.first else {
            Issue.record("expected a drift, got \(simple)")
            return
        }
        #expect(d.raw == String(decoding: plain, as: UTF8.self), "a plain line is kept as it came")
    }

    /// The live drifts waiting to be placed in the server's list: fixed-size digests, as many as the user's history
    /// allows, the oldest forgotten first (and counted) when more arrive between two list reads.
    @Test func theReconcilerHoldsFixedSizeDigestsSizedFromTheHistory() {
        #expect(MemoryLayout<DriftDigest>.size == 16)
        #expect(State(settings: Settings(url: "ws://x/ws", historyLimit: 10), topics: []).servers[0].reconciler.capacity == 4_096)
        #expect(State(settings: Settings(url: "ws://x/ws", historyLimit: 10_000), topics: []).servers[0].reconciler.capacity == 20_000)
        let long = String(repeating: "x", count: 1024)
        let a = DriftRecord(receivedAt: 0, severity: .high, resourceType: long, resourceID: "1", oldValue: long, newValue: long)
        var b = a
        b.resourceID = "0"
        #expect(DriftDigest(a) == DriftDigest(a) && DriftDigest(a) != DriftDigest(b))
        var reconciler = DriftReconciler(capacity: 3)
        for id in 0..<5 {
            var d = a
            d.resourceID = String(id)
            let shown = reconciler.live(DriftDigest(d), at: 0, tracking: true)
            #expect(shown == .new)
        }
        #expect(reconciler.unplacedCount == 3 && reconciler.forgotten == 2)
        let forgottenShows = reconciler.listed(DriftDigest(b))
        #expect(forgottenShows, "the oldest was forgotten: listed again, it shows")
        var c = a
        c.resourceID = "4"
        let first = reconciler.listed(DriftDigest(c)), second = reconciler.listed(DriftDigest(c))
        #expect(!first, "a kept one is placed once")
        #expect(second, "and only once")
    }

    /// The reconciler against a plain model of the server: a list of detections from a small pool of contents
    /// (so repeats are common), some delivered live and some dropped, read back past a cursor. Every detection is
    /// shown exactly once, whatever repeats and drops there were.
    @Test func everyDetectionIsShownExactlyOnceWhateverRepeats() {
        var rng = SplitMix64(seed: 7)
        let pool = (0..<5).map { i in
            DriftDigest(DriftRecord(receivedAt: 0, severity: .low, resourceType: "t", resourceID: "id-\(i)", attribute: "a", oldValue: "o", newValue: "n"))
        }
        for round in 0..<200 {
            var reconciler = DriftReconciler(capacity: 4_096)
            var list: [DriftDigest] = []
            var shown = 0
            var merged = 0
            var cursor = 0
            for step in 0..<(50 + round) {
                let key = pool[Int(rng.next() % UInt64(pool.count))]
                list.append(key)
                // Most detections arrive live; some the server drops for this client.
                if rng.next() % 4 != 0, reconciler.live(key, at: Double(step), tracking: true) == .new { shown += 1 }
                // Now and then the client reads the list past its cursor (a backfill after a gap, a poll).
                if rng.next() % 10 == 0 {
                    for entry in list[cursor...] {
                        if reconciler.listed(entry) { shown += 1 } else { merged += 1 }
                    }
                    cursor = list.count
                }
            }
            for entry in list[cursor...] {
                if reconciler.listed(entry) { shown += 1 } else { merged += 1 }
            }
            guard shown == list.count else {
                Issue.record("round \(round): \(list.count) detections, \(shown) shown, \(merged) merged")
                break
            }
        }
    }

    @Test func distinctSeveritiesAndKindsAreKeptInBoundedTallies() {
        var stats = Statistics()
        for i in 0..<100_000 {
            stats.record(kind: "k\(i)", knownKind: false, severity: Severity("sev-\(i)"), resourceType: "t", at: 0)
            if i % 2 == 0 { stats.record(kind: "drift", severity: Severity("frequent"), resourceType: "t", at: 0) }
        }
        #expect(stats.otherSeverities.distinctKept <= Statistics.maximumUnknownValues)
        #expect(stats.otherKinds.distinctKept <= Statistics.maximumUnknownValues)
        #expect(stats.otherSeverities.ranked.first?.key == "frequent", "a value that keeps coming stays on top")
        #expect(stats.otherSeverities.ranked.reduce(0) { $0 + $1.count } + stats.otherSeverities.other == 150_000)
        #expect(stats.kindCounts == ["drift": 50_000])
    }

    @Test func sanitiserCapsBytesNotCharacters() {
        let cut = Sanitizer.clean(String(repeating: "東", count: 1000), limit: 30)
        #expect(cut.utf8.count <= 33 && cut.hasSuffix("…"))
        #expect(Checked.count(1e300) == nil && Checked.count(-1) == nil && Checked.count(2.5) == nil && Checked.count(.nan) == nil)
        #expect(Checked.count(42) == 42)
        #expect(Checked.clamped(1e300, to: 0...10) == 10 && Checked.clamped(-.infinity, to: 0...10) == 0)
    }
}
