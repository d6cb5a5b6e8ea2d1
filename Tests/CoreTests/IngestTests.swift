import Testing
@testable import TFDriftCore
import TFDriftWire

struct IngestTests {
    func items(_ text: String) -> [Incoming] {
        Ingest.items(from: FrameDecoder.decode(text), receivedAt: 1000)
    }

    @Test func realDriftTakesUserFromPascalCaseIdentityAndEnvelopeTime() throws {
        let text = #"{"type":"data","topic":"drift","data":{"attribute":"(resource modified out-of-band)","matched_rules":null,"new_value":"ModifyInstanceAttribute","old_value":null,"resource_id":"i-0demoweb0000001","resource_name":"web","resource_type":"aws_instance","severity":"medium","timestamp":"","user_identity":{"Type":"","PrincipalID":"","ARN":"arn:aws:sts::1:assumed-role/Admin/alice","AccountID":"1","UserName":"alice@corp.example"}},"timestamp":"2026-08-10T09:30:01Z"}"#
        guard case .drift(let drift) = try #require(items(text).first) else { Issue.record("not a drift"); return }
        #expect(drift.user == "alice@corp.example")
        #expect(drift.oldValue == "null")
        #expect(drift.severity == .medium)
        #expect(drift.eventTime == Timestamp.parse("2026-08-10T09:30:01Z"))
    }

    @Test func emptyTimestampsFallBackToReceiveTime() throws {
        let text = #"{"type":"data","topic":"policy_decision","data":{"decision":"deny","reason":"no","severity":""},"timestamp":""}"#
        guard case .event(let event) = try #require(items(text).first) else { Issue.record("not an event"); return }
        #expect(event.eventTime == nil)
        #expect(event.time == 1000)
        #expect(event.title == "policy deny")
        #expect(event.severity == .info)
    }

    @Test func documentedShapesMapToTheSameRecords() throws {
        let drift = #"{"type":"drift","topic":"drifts","timestamp":"2025-01-15T10:00:00Z","payload":{"severity":"critical","resource_type":"aws_iam_policy","resource_id":"ANPA","old_value":"a","new_value":{"x":1},"user":"john.doe@example.com"}}"#
        let falco = #"{"type":"falco","topic":"events","timestamp":"2025-01-15T10:15:30Z","payload":{"severity":"critical","rule":"Unauthorized Process Execution","output":"sh ran","container_id":"abc123"}}"#
        let state = #"{"type":"state_change","topic":"state","timestamp":"2025-01-15T10:20:00Z","payload":{"resource":"aws_iam_policy.example","action":"modified","serial":43}}"#
        let all = items([drift, falco, state].joined(separator: "\n"))
        guard case .drift(let d) = all[0], case .event(let e) = all[1], case .stateChange(let s) = all[2] else {
            Issue.record("unexpected \(all)")
            return
        }
        #expect(d.user == "john.doe@example.com")
        #expect(d.newValue == #"{"x":1}"#)
        #expect(e.title == "Unauthorized Process Execution")
        #expect(e.resource == "container abc123")
        #expect(s.resource == "aws_iam_policy.example")
        #expect(s.detail == "serial 43")
    }

    @Test func hostileStringsAreNeutralisedBeforeTheyReachTheStore() throws {
        let text = #"{"type":"data","topic":"drift","data":{"resource_type":"aws\u001b[2J\u001b]0;pwned\u0007","resource_id":"evil\u202Eexe.txt","severity":"high","new_value":"a\r\nb"},"timestamp":""}"#
        guard case .drift(let d) = try #require(items(text).first) else { Issue.record("not a drift"); return }
        #expect(!d.resourceType.unicodeScalars.contains { $0.value < 0x20 })
        #expect(d.resourceType.hasPrefix("aws␛[2J"))
        #expect(!d.resourceID.unicodeScalars.contains("\u{202E}"))
        #expect(d.newValue == "a  b")
    }

    @Test func controlRepliesAndFailures() {
        let text = [#"{"type":"subscribed","topic":"drift","data":{"status":"success"},"timestamp":""}"#,
                    #"{"type":"error","topic":"","data":null,"timestamp":"","error":"Invalid message format"}"#, "garbage"]
            .joined(separator: "\n")
        let all = items(text)
        #expect(all[0] == .control(.subscribed("drift")))
        #expect(all[1] == .control(.error("Invalid message format")))
        guard case .malformed(let description) = all[2] else { Issue.record("expected malformed"); return }
        #expect(description.contains("garbage"))
    }

    @Test func documentedStatsMessage() {
        let text = #"{"type":"stats","topic":"stats","timestamp":"","payload":{"drifts":{"total":12,"severity_counts":{"high":3}},"unmanaged":{"total":2},"events":{"total":0}}}"#
        #expect(items(text) == [.stats(ServerStats(driftTotal: 12, unmanagedTotal: 2, eventTotal: 0, severityCounts: ["high": 3]))])
    }
}

struct SanitizerTests {
    @Test func plainASCIIIsUntouched() {
        #expect(Sanitizer.clean("aws_iam_policy.admin") == "aws_iam_policy.admin")
    }

    @Test func controlsBecomeVisiblePictures() {
        #expect(Sanitizer.clean("a\u{1B}[31mb\u{7}") == "a␛[31mb␇")
        #expect(Sanitizer.clean("x\u{7F}\u{9B}y") == "x␡\u{FFFD}y")
    }

    @Test func bidiAndInvisiblesAreReplaced() {
        #expect(Sanitizer.clean("evil\u{202E}txt.exe\u{2066}") == "evil\u{FFFD}txt.exe\u{FFFD}")
        #expect(Sanitizer.clean("zero\u{200B}width") == "zero\u{FFFD}width")
    }

    @Test func wideAndEmojiTextIsKept() {
        #expect(Sanitizer.clean("東京✓😀👩‍💻") == "東京✓😀👩‍💻")
    }

    @Test func overlongStringsAreCut() {
        let s = Sanitizer.clean(String(repeating: "x", count: 5000))
        #expect(s.count == Sanitizer.maximumCharacters + 1)
        #expect(s.hasSuffix("…"))
    }
}

struct BackoffTests {
    @Test func delaysStayWithinFullJitterBoundsAndRespectTheCap() {
        let policy = BackoffPolicy()
        var rng = SplitMix64(seed: 0x5EED)
        for attempt in 0..<40 {
            let ceiling = min(30, pow2(attempt))
            #expect(policy.ceiling(attempt: attempt) == ceiling)
            for _ in 0..<50 {
                let d = policy.delay(attempt: attempt, jitter: Double.random(in: 0..<1, using: &rng))
                #expect(d >= 0 && d <= ceiling)
            }
        }
        #expect(policy.delay(attempt: 3, jitter: 0.5) == 4)
        #expect(policy.delay(attempt: 100, jitter: 0.999) <= 30)
    }

    func pow2(_ n: Int) -> Double { n > 10 ? 1024 : Double(1 << n) }
}

struct HistoryTests {
    @Test func keepsTheNewestAndAddressesBySequence() {
        var h = History<Int>(capacity: 3)
        #expect(h.newestFirst(limit: 5).isEmpty)
        for i in 0..<5 { h.append(i) }
        #expect(h.count == 3)
        #expect(h.oldestSeq == 2)
        #expect(h.newestSeq == 4)
        #expect(h[1] == nil)
        #expect(h[3] == 3)
        #expect(h.newestFirst(limit: 5) == [4, 3, 2])
        #expect(h.clamp(0) == 2)
    }
}

/// What the store keeps of each message: the dashboard keeps the raw line for the detail view's `r`; `tail`,
/// which prints fields only, keeps none (its store is a third smaller under a flood).
struct RawLineKeepingTests {
    func stored(keepingRawLines: Bool) -> State {
        var state = State(settings: Settings(url: "ws://x/ws"), topics: [.all])
        state.feed.keepsRawLines = keepingRawLines
        _ = Reducer.reduce(&state, .started(at: 1000))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 1000))
        let frame = DirectDecoderTests.corpus.joined(separator: "\n")
        _ = Reducer.reduce(&state, .received(generation: 1, items: Ingest.items(fromFrame: Array(frame.utf8), receivedAt: 1000), at: 1000))
        return state
    }

    @Test func theDashboardKeepsRawLinesAndTailDoesNot() throws {
        let dashboard = stored(keepingRawLines: true)
        let tail = stored(keepingRawLines: false)
        let drifts = try #require(dashboard.retained(.drifts))
        #expect(drifts.count >= 3 && dashboard.feed.stateChanges.nextSeq >= 2 && dashboard.feed.events.nextSeq >= 4)
        #expect(drifts.allSatisfy { !(dashboard.feed.drifts[$0]?.raw.isEmpty ?? true) })
        #expect((0..<tail.feed.drifts.nextSeq).allSatisfy { tail.feed.drifts[$0]?.raw == "" })
        #expect((0..<tail.feed.events.nextSeq).allSatisfy { tail.feed.events[$0]?.raw == "" })
        #expect((0..<tail.feed.stateChanges.nextSeq).allSatisfy { tail.feed.stateChanges[$0]?.raw == "" })
        // Everything else is the same: the same items, counted the same.
        #expect(tail.feed.drifts.nextSeq == dashboard.feed.drifts.nextSeq && tail.feed.stats == dashboard.feed.stats)
    }
}
