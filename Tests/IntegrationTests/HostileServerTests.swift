import Dispatch
import NIOConcurrencyHelpers
import Testing
import TFDriftCore
import TFDriftView
import TFDriftNetwork
import TFDriftSimulator
import TFDriftWire

/// The wire-level rows of the hostile-server findings, each against the simulator's hostile mode over
/// loopback: the client must survive, say what happened in clean text, and get every sentinel in order.
struct HostileServerTests {
    /// Plays `kinds` once each (or `rounds` rounds) and waits for every sentinel; returns the final state, the
    /// messages the server received (including the close codes the client sent) and every close reason shown.
    func play(
        _ kinds: [HostileKind], rounds: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (state: State, log: [String], reasons: [String]) {
        let count = rounds ?? kinds.count
        let (server, url) = try startServer(.real, rate: 0) {
            $0.hostileRounds = count
            $0.hostileKinds = kinds
        }
        defer { server.stop() }
        var closeReasons: [String] = []
        let state = runScenario(
            url: url, topics: [.drifts, .events], timeout: 60,
            steps: [Step(name: "sentinel-\(count - 1)", until: { HostileServerTests.sentinels(in: $0).count == count })],
            onAction: { action, state in
                if case .connectionClosed(let generation, _, _, _) = action, generation == state.servers[0].connection.generation,
                    let reason = state.servers[0].connection.lastCloseReason
                {
                    closeReasons.append(reason)
                }
            },
            configure: {
                $0.backoff = BackoffPolicy(base: 0.05, cap: 0.2)
                $0.maximumRetryAfter = 0.3
            }, sourceLocation: sourceLocation)
        #expect(HostileServerTests.sentinels(in: state) == (0..<count).map { "sentinel-\($0)" }, sourceLocation: sourceLocation)
        for reason in closeReasons {
            #expect(TerminalSafety.isClean(reason), "close reason reaches the screen unsanitised: \(reason)", sourceLocation: sourceLocation)
        }
        return (state, server.receivedMessages, closeReasons)
    }

    static func sentinels(in state: State) -> [String] {
        guard let oldest = state.feed.drifts.oldestSeq else { return [] }
        return (oldest..<state.feed.drifts.nextSeq).compactMap { state.feed.drifts[$0]?.resourceID }.filter { $0.hasPrefix("sentinel-") }
    }

    @Test func protocolViolationsAreAnsweredWith1002NotEchoed() throws {
        let (state, log, _) = try play([.rsvBits, .reservedOpcode, .maskedFrame, .invalidCloseCode])
        #expect(log.filter { $0 == "close 1002" }.count == 4, "the client's close frames: \(log.filter { $0.hasPrefix("close") })")
        #expect(!log.contains { ["close 1005", "close 999", "close 5000", "close 1006", "close 1015", "close 2000"].contains($0) })
        #expect(state.servers[0].connection.generation == 5, "one reconnect per violation")
    }

    @Test func anOversizedMessageClosesWith1009AndSaysSo() throws {
        let (state, log, reasons) = try play([.oversizedMessage])
        #expect(log.contains("close 1009"))
        #expect(reasons.contains { $0.contains("larger than the client's 8 MiB limit") })
        #expect(state.servers[0].connection.generation == 2)
    }

    @Test func aHostileRefusalIsCleanedAndItsHugeRetryAfterCapped() throws {
        let (state, _, reasons) = try play([.refusedUpgrade], rounds: 2)
        #expect(state.servers[0].connection.phase == .open, "the client came back although Retry-After asked for 10^20 seconds")
        let refusals = reasons.filter { $0.hasPrefix("upgrade refused") }
        #expect(refusals.count == 2)
        // The escape sequences in the reason phrase arrive as visible pictures (␛), never as escapes.
        #expect(refusals.allSatisfy { $0.contains("\u{241B}]0;pwned") && $0.contains("Retry-After 99999999999999999999s") })
    }

    @Test func aPeerThatPingsWithoutReadingIsDroppedNotBuffered() throws {
        let (state, _, reasons) = try play([.pingFloodWithoutReading])
        #expect(state.servers[0].connection.generation == 2)
        #expect(reasons.contains { $0.contains("outbound queue full while the server kept pinging") })
    }

    /// RFC 6455 §4.1: a subprotocol or extension the client did not offer fails the connection (the connection
    /// used to be kept, and a compressed frame would have been read as text).
    @Test func anUnrequestedSubprotocolOrExtensionFailsTheConnection() throws {
        let (state, _, reasons) = try play([.unrequestedSubprotocol])
        #expect(reasons.contains { $0.contains(#"server chose the subprotocol "evil.v1", which the client did not ask for"#) }, "\(reasons)")
        #expect(state.servers[0].connection.phase == .open, "the next, ordinary upgrade was taken")
    }

    /// RFC 6455 §5.5.1 and §8.1: a close reason that is not UTF-8 is failed with 1007, not echoed as 1001 with U+FFFD.
    @Test func aCloseReasonThatIsNotUTF8IsAnsweredWith1007() throws {
        let (_, log, reasons) = try play([.nonUTF8CloseReason])
        #expect(log.contains("close 1007"), "the client's close frames: \(log.filter { $0.hasPrefix("close") })")
        #expect(!log.contains("close 1000"), "the reason was echoed as if it were valid")
        #expect(reasons.contains { $0.contains("close reason that is not UTF-8; closed with 1007") }, "\(reasons)")
    }

    /// 100,000 acknowledgements of topics never asked for, from one of two servers: none is kept, all are counted,
    /// and the other server's drifts keep arriving through the flood.
    @Test func oneServersFloodOfUnrequestedAcknowledgementsIsDroppedAndCounted() throws {
        let (flooder, floodURL) = try startServer(.real, rate: 0) {
            $0.hostileRounds = 1
            $0.hostileKinds = [.unrequestedAcks]
            $0.hostileScale = 10
        }
        let (quiet, quietURL) = try startServer(.real, rate: 100)
        defer {
            flooder.stop()
            quiet.stop()
        }
        let initial = State(servers: [
            ServerState(name: "flood", settings: Settings(url: floodURL), topics: [.drifts]),
            ServerState(name: "quiet", settings: Settings(url: quietURL), topics: [.drifts]),
        ])
        func quietDrifts(_ s: State) -> Int {
            guard let oldest = s.feed.drifts.oldestSeq else { return 0 }
            return (oldest..<s.feed.drifts.nextSeq).filter { s.feed.drifts[$0]?.server == 1 }.count
        }
        var quietDuringFlood = 0
        let state = runScenario(url: floodURL, topics: [], timeout: 90, steps: [
            Step(name: "the flood's sentinel, and the other server's drifts after it") { s in
                HostileServerTests.sentinels(in: s).count == 1 && quietDrifts(s) >= quietDuringFlood + 5
            },
        ], onAction: { _, s in
            if s.diagnostics.unrequestedAcks < 100_000 { quietDuringFlood = quietDrifts(s) }
        }, initial: initial)
        #expect(state.diagnostics.unrequestedAcks == 100_000)
        #expect(state.servers[0].connection.subscriptions == ["drift": .acknowledged], "only what was asked for is kept")
        #expect(state.servers[1].connection.subscriptions == ["drift": .acknowledged])
        #expect(state.servers.allSatisfy { $0.connection.generation == 1 }, "neither link was lost")
        let reports = (state.diagnostics.problems.oldestSeq.map { Array($0..<state.diagnostics.problems.nextSeq) } ?? [])
            .compactMap { state.diagnostics.problems[$0] }.filter { Wording.problem($0) { _ in "" }.contains("never asked for") }
        #expect(reports.count == 6 && reports.allSatisfy { Wording.problem($0, serverName: state.serverName).hasPrefix("flood: ") }, "\(reports)")
    }

    /// A body that stops coming was reported as "stream ended at an unexpected time" when the timeout closed it.
    @Test func aRESTBodyCutByTheTimeoutSaysItTimedOut() throws {
        let (server, url) = try startServer(.real, rate: 0)
        defer { server.stop() }
        var faults = SimulatorFaults()
        faults.stallRESTBody = true
        server.setFaults(faults)
        let outcome = NIOLockedValueBox<RestOutcome?>(nil)
        let answered = DispatchSemaphore(value: 0)
        let client = WebSocketClient(options: WebSocketClient.Options(connectTimeout: 0.5)) { action in
            guard case .restResponse(_, let result, _) = action else { return }
            outcome.withLockedValue { $0 = result }
            answered.signal()
        }
        defer { client.shutdown() }
        client.rest.fetch(.stats, webSocketURL: url)
        #expect(answered.wait(timeout: .now() + 20) == .success, "no answer at all")
        #expect(outcome.withLockedValue { $0 } == .failure(status: nil, message: "timed out after 500 ms"))
    }

    @Test func hostileRESTBodiesAreReportedAndTheSyncCarriesOn() throws {
        let (state, _, _) = try play([.hostileREST], rounds: 3)
        let problems = (state.diagnostics.problems.oldestSeq.map { Array($0..<state.diagnostics.problems.nextSeq) } ?? [])
            .compactMap { state.diagnostics.problems[$0] }
        #expect(problems.contains { $0.source == .rest }, "malformed REST bodies are reported: \(problems)")
        #expect(state.diagnostics.malformed > 0)
    }

    @Test func malformedAndHostileFramesLeaveTheConnectionUp() throws {
        let kinds: [HostileKind] = [
            .truncatedJSON, .bitFlips, .invalidUTF8, .deepNesting, .hugeNumbers, .loneSurrogates, .hostileTopics, .wrongTypes,
            .fragmented, .largeMessage, .wideText,
        ]
        let (state, _, _) = try play(kinds)
        #expect(state.servers[0].connection.generation == 1, "none of these may cost the connection")
        #expect(state.diagnostics.malformed > 0)
        for seq in state.feed.events.oldestSeq.map({ Array($0..<state.feed.events.nextSeq) }) ?? [] {
            guard let event = state.feed.events[seq] else { continue }
            #expect(TerminalSafety.isClean(event.topic.wireName) && event.topic.wireName.utf8.count <= Ingest.maximumTopicBytes + 3)
        }
    }
}
