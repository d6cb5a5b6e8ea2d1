import Testing
@testable import TFDriftWire

struct ClientMessageTests {
    @Test func encodesTheShapesBothServersAccept() throws {
        #expect(try ClientMessage.subscribe("drift").encoded() == #"{"type":"subscribe","topic":"drift"}"#)
        #expect(try ClientMessage.unsubscribe("all").encoded() == #"{"type":"unsubscribe","topic":"all"}"#)
        #expect(try ClientMessage.ping.encoded() == #"{"type":"ping"}"#)
        #expect(try ClientMessage.filter(provider: "aws").encoded() == #"{"type":"filter","provider":"aws"}"#)
        #expect(try ClientMessage.query(["q": "x"]).encoded() == #"{"type":"query","payload":{"q":"x"}}"#)
    }

    @Test func the512ByteLimitIsEnforcedAtTheBoundary() throws {
        let overhead = try ClientMessage.subscribe("").encoded().utf8.count
        let fits = ClientMessage.subscribe(String(repeating: "a", count: 512 - overhead))
        #expect(try fits.encoded().utf8.count == 512)
        let tooBig = ClientMessage.subscribe(String(repeating: "a", count: 513 - overhead))
        #expect(throws: WireError.tooLarge(bytes: 513, limit: 512)) { try tooBig.encoded() }
    }

    @Test func multiByteCharactersCountAsBytes() {
        // 200 × "é" is 400 bytes of UTF-8: over the limit once the envelope is added.
        let message = ClientMessage.filter(provider: String(repeating: "é", count: 250))
        #expect(throws: WireError.self) { try message.encoded() }
    }
}

struct TopicTests {
    @Test func realServerNeedsSingularEventTypes() {
        #expect(Topic.drifts.wireNames(for: .real) == ["drift"])
        #expect(Topic.events.wireNames(for: .real) == ["unmanaged", "policy_decision", "remediation_proposal", "falco"])
        #expect(Topic.state.wireNames(for: .real) == ["state_change"])
        #expect(Topic.stats.wireNames(for: .real).isEmpty)
        #expect(Topic.all.wireNames(for: .real) == ["all"])
    }

    @Test func documentedServerUsesPluralTopics() {
        #expect(Topic.allCases.map { $0.wireNames(for: .documented) } == [["all"], ["drifts"], ["events"], ["state"], ["stats"]])
    }

    @Test func parsesLists() throws {
        #expect(try Topic.parseList("drifts, events,STATE") == [.drifts, .events, .state])
        #expect(try Topic.parseList("") == [])
        #expect(throws: TopicListError.self) { try Topic.parseList("drifts,bogus") }
    }
}

struct TimestampTests {
    @Test func parsesRFC3339WithZoneAndFraction() {
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamp.parse("2026-08-10T18:30:01+09:00") == Timestamp.parse("2026-08-10T09:30:01Z"))
        #expect(Timestamp.parse("2026-11-27T03:01:43.250Z") == 1_795_748_503.25)
    }

    @Test(arguments: ["", "yesterday", "2026-13-01T00:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00+0900"])
    func rejectsWhatItCannotRead(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formatsAndRoundTrips() {
        let t = 1_795_748_503.0
        #expect(Timestamp.format(t) == "2026-11-27T03:01:43Z")
        #expect(Timestamp.parse(Timestamp.format(t)) == t)
        #expect(Timestamp.clock(t, utcOffset: 9 * 3600) == "12:01:43")
    }

    @Test func everyRepresentableSecondRoundTripsAndTheEndsHold() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<20_000 {
            let t = Double(Int64(random.next() % 253_402_300_800) - 62_167_219_200)
            #expect(Timestamp.parse(Timestamp.format(t)) == t, "\(t)")
        }
        #expect(Timestamp.format(-1e300) == "0000-01-01T00:00:00Z")
        #expect(Timestamp.format(.infinity) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.format(.nan) == "0000-01-01T00:00:00Z")
        #expect(Timestamp.format(0.999) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(-0.5) == "1969-12-31T23:59:59Z")
    }
}

struct RetryAfterTests {
    @Test(arguments: [("120", 120.0), ("9.9ms", 0.0099), ("1.5s", 1.5), ("2m30s", 150), ("1h", 3600), (" 3 ", 3), ("250us", 0.00025)])
    func parsesSecondsAndGoDurations(text: String, seconds: Double) throws {
        let value = try #require(RetryAfter.parse(text))
        #expect(abs(value - seconds) < 1e-9)
    }

    @Test(arguments: ["", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "5x", "-1"])
    func rejectsTheRest(text: String) {
        #expect(RetryAfter.parse(text) == nil)
    }
}
