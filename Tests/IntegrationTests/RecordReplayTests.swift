import Foundation
import Testing
import TFDriftCore
import TFDriftNetwork
import TFDriftRuntime
import TFDriftSimulator
import TFDriftView
import TFDriftWire

/// A frontend that draws the dashboard after chosen actions, for comparing a replay with the live run. The
/// replay's own marker (`REPLAY 1000× …` in the status bar) is left out: everything else must be the same.
final class CanvasCollector: Frontend {
    let size = Size(width: 120, height: 40)
    let every: Int
    private(set) var dispatched = 0
    private(set) var canvases: [Int: String] = [:]
    private(set) var finalState: State?

    init(every: Int) { self.every = every }

    var inputDescriptor: Int32? { nil }
    var wantsToStop: Bool { false }
    func readInput(state: State) -> [Action] { [] }
    func present(state: State) { finalState = state }

    func observe(_ action: Action, previous: [ConnectionState], state: State) {
        if case .replayProgress = action { return }
        dispatched += 1
        guard dispatched % every == 0 else { return }
        var shown = state
        shown.ui.replay = nil
        canvases[dispatched] = shown.render(size: size).text
    }
}

@Suite(.serialized)
struct RecordReplayTests {
    static func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tfdrift-\(name)-\(UUID().uuidString).ndjson").path
    }

    /// Records a live run with a hostile burst, a server restart (down, refusing, back with an empty drift list)
    /// and the reconnect; draws the screen every few actions; replays the recording at 1000× and draws at the same
    /// moments: the screens are identical. `RECORD_REPLAY_SECONDS=600` makes it a ten-minute run with a restart
    /// every 30 s (run by hand; the suite keeps it short).
    @Test func aReplayDrawsExactlyTheScreensTheLiveRunDrew() throws {
        let (server, url) = try startServer(.real, rate: 40) {
            $0.hostileRounds = 2
        }
        defer { server.stop() }
        let path = Self.scratch("live")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let seconds = ProcessInfo.processInfo.environment["RECORD_REPLAY_SECONDS"].flatMap(Double.init) ?? 0
        let live = CanvasCollector(every: seconds > 0 ? 97 : 3)
        var options = WebSocketClient.Options()
        options.rawFrames = true
        let restarts = seconds > 0 ? Thread {
            while !Thread.current.isCancelled {
                Thread.sleep(forTimeInterval: 30)
                server.goDown()
                Thread.sleep(forTimeInterval: 1)
                server.comeBack()
            }
        } : nil
        restarts?.start()
        defer { restarts?.cancel() }
        let liveState = runScenario(
            url: url, topics: [.drifts, .events], timeout: 60 + seconds,
            steps: [
                Step(name: "both sentinels", until: { HostileServerTests.sentinels(in: $0).count == 2 }, perform: { _, _ in server.goDown() }),
                Step(name: "the server is down", until: { $0.servers[0].connection.phase != .open }, perform: { _, _ in server.comeBack() }),
                Step(name: "back, with more data", until: { $0.servers[0].connection.generation >= 2 && $0.servers[0].connection.phase == .open && $0.feed.drifts.count >= 20 }),
                Step(name: "long enough", until: { $0.now - $0.startedAt >= seconds }),
            ],
            onAction: { action, state in live.observe(action, previous: state.servers.map(\.connection), state: state) },
            configure: {
                $0.backoff = BackoffPolicy(base: 0.05, cap: 0.2)
                $0.historyOnStart = 5
            },
            clientOptions: options,
            recorder: { state in try? Recorder.create(path: path, maximumSize: 100_000_000, state: state, startedAt: SystemClock.now()).get() })
        #expect(live.canvases.count > 5)

        let recording = try Recording.load([path]).get()
        #expect(recording.damage == nil)
        let replayed = CanvasCollector(every: live.every)
        let (replayState, stoppedAt) = try ReplaySource.play(recording, into: replayed, speed: 1000)
        #expect(stoppedAt == nil)
        #expect(replayed.dispatched == live.dispatched, "one replayed action per live one")
        for (moment, screen) in live.canvases.sorted(by: { $0.key < $1.key }) {
            #expect(replayed.canvases[moment] == screen, "the screen after action \(moment)")
            if replayed.canvases[moment] != screen { break }
        }
        #expect(replayState.feed.drifts.count == liveState.feed.drifts.count)
        #expect(replayState.feed.gaps == liveState.feed.gaps)
        #expect(replayState.diagnostics.problems.count == liveState.diagnostics.problems.count)
        #expect(!liveState.feed.gaps.isEmpty, "the restart left a gap marker")
        if seconds > 0 {
            print("RECORD_REPLAY: \(live.dispatched) actions, \(live.canvases.count) screens compared, \(liveState.feed.gaps.count) gaps, drifts \(liveState.feed.drifts.nextSeq)")
        }
    }

    /// A short real recording to damage in different ways.
    static func smallRecording() throws -> (path: String, lines: [String]) {
        let (server, url) = try startServer(.real, rate: 40)
        defer { server.stop() }
        let path = scratch("small")
        var options = WebSocketClient.Options()
        options.rawFrames = true
        runScenario(
            url: url, topics: [.drifts],
            steps: [Step(name: "some drifts", until: { $0.feed.drifts.count >= 10 })],
            clientOptions: options,
            recorder: { state in try? Recorder.create(path: path, maximumSize: 100_000_000, state: state, startedAt: SystemClock.now()).get() })
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return (path, text.split(separator: "\n").map(String.init))
    }

    @Test(arguments: ["truncated", "garbage", "version", "frame"])
    func aDamagedRecordingPlaysUpToTheDamageAndSaysWhere(damage: String) throws {
        let (path, lines) = try Self.smallRecording()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(lines.count > 8)
        var damaged = lines
        let at = lines.count / 2
        let expected: String
        switch damage {
        case "truncated":
            damaged = Array(lines.prefix(at)) + [String(lines[at].prefix(lines[at].count / 2))]
            expected = ":\(at + 1): the last line is cut short"
        case "garbage":
            damaged.insert("\u{1b}[2J not json at all", at: at)
            expected = ":\(at + 1): not a JSON line"
        case "version":
            damaged[0] = damaged[0].replacingOccurrences(of: "\"tfdrift_recording\":1", with: "\"tfdrift_recording\":7")
            expected = ":1: recording format 7, this program reads 1"
        default:
            damaged.insert("{\"t\":1,\"k\":\"frame\",\"g\":1,\"base64\":\"not base64!\"}", at: at)
            expected = ":\(at + 1): a frame without \"text\" or valid \"base64\""
        }
        let damagedPath = Self.scratch("damaged")
        defer { try? FileManager.default.removeItem(atPath: damagedPath) }
        try (damaged.joined(separator: "\n") + (damage == "truncated" ? "" : "\n")).write(toFile: damagedPath, atomically: true, encoding: .utf8)

        switch Recording.load([damagedPath]) {
        case .failure(let error):
            #expect(damage == "version", "only an unreadable header fails outright")
            #expect(error.reason.contains(expected), "\(error.reason)")
        case .success(let recording):
            let collector = CanvasCollector(every: 1)
            let stopped = try #require(try ReplaySource.play(recording, into: collector).stoppedAt)
            #expect(stopped.hasPrefix(damagedPath) && stopped.contains(expected), "\(stopped)")
            #expect(collector.dispatched >= at - 1, "everything before the damage was played")
        }
    }

    /// Owner-only files, rotation into numbered parts that replay as one, and no credential anywhere in them.
    @Test func aRecordingIsPrivateRotatesAndHoldsNoSecret() throws {
        let token = "rec-token-\(UUID().uuidString)"
        let (server, url) = try startServer(.real, rate: 60) { $0.requiredToken = token }
        defer { server.stop() }
        Secrets.register(token)
        let path = Self.scratch("rotated")
        var options = WebSocketClient.Options(headers: [("Authorization", "Bearer \(token)")])
        options.rawFrames = true
        let live = runScenario(
            url: url, topics: [.drifts, .events],
            steps: [Step(name: "enough for several parts", until: { $0.feed.drifts.count >= 60 })],
            configure: { $0.historyOnStart = 5 },
            clientOptions: options,
            recorder: { state in try? Recorder.create(path: path, maximumSize: 4096, state: state, startedAt: SystemClock.now()).get() })
        let parts = [path] + (1...1000).map { "\(path).\($0)" }.prefix { FileManager.default.fileExists(atPath: $0) }
        defer { for part in parts { try? FileManager.default.removeItem(atPath: part) } }
        #expect(parts.count >= 3, "rotated at 4 KiB: \(parts.count) parts")
        for part in parts {
            let text = try String(contentsOfFile: part, encoding: .utf8)
            #expect(text.hasPrefix("{\"tfdrift_recording\":1,"), "every part starts with the header")
            #expect(!text.contains(token) && !text.contains("Authorization"), "no credential in \(part)")
            let mode = try FileManager.default.attributesOfItem(atPath: part)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        let recording = try Recording.load(parts).get()
        #expect(recording.damage == nil)
        let replayed = try ReplaySource.play(recording, into: CanvasCollector(every: 1_000_000)).state
        #expect(replayed.feed.drifts.count == live.feed.drifts.count)
    }
}

/// Committed recordings (made by the simulator through `tail --record`) replayed into the dashboard: a screen
/// bug becomes a recording plus an expected canvas. `UPDATE_SNAPSHOTS=1` rewrites the expected canvases.
struct RecordedScreenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Recordings").path

    @Test(arguments: ["hostile-burst", "restarts-with-gaps"], [Size(width: 80, height: 24), Size(width: 120, height: 40)])
    func aRecordingReplaysToItsExpectedScreen(name: String, size: Size) throws {
        let recording = try Recording.load(["\(Self.folder)/\(name).ndjson"]).get()
        let (state, stoppedAt) = try ReplaySource.play(recording, into: CanvasCollector(every: 1_000_000))
        #expect(stoppedAt == nil)
        var layout = state
        _ = Reducer.reduce(&layout, .resized(width: size.width, height: size.height, pageRows: [:]))
        let text = layout.render(size: size).text
        let expectedPath = "\(Self.folder)/\(name).\(size.width)x\(size.height).txt"
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] != nil {
            try text.write(toFile: expectedPath, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(text == expected, "replayed screen differs from \(expectedPath):\n\(text)")
        #expect(TerminalSafety.isClean(text.replacingOccurrences(of: "\n", with: " ")), "nothing hostile reaches the screen")
    }
}

/// Every recorded kind of action comes back as itself, and a user's topic and filter changes come back as
/// actions that make the same change.
struct RecordingCodecTests {
    static let actions: [Action] = [
        .started(at: 10), .tick(at: 11.5), .connectionOpened(generation: 3, at: 12),
        .connectionClosed(generation: 3, Disconnection("upgrade refused: HTTP 429", httpStatus: 429, retryAfter: 2.5), at: 13, jitter: 0.25),
        .connectionClosed(generation: 4, Disconnection("expired", certificateRejected: true), at: 14, jitter: 0),
        .connectionClosed(generation: 5, Disconnection("407", proxyRefused: true), at: 15, jitter: 0.999),
        .frameReceived(generation: 3, bytes: Array(#"{"type":"connected","data":{"version":"0.14"}}"#.utf8), at: 16),
        .frameReceived(generation: 3, bytes: [0x7B, 0xFF, 0xFE, 0x00, 0x0A, 0xC3], at: 17),
        .received(generation: 3, items: [], at: 18),
        .sendFailed(generation: 3, message: .subscribe("drift"), reason: "not connected"),
        .sendFailed(generation: 3, message: .query(["resource": "aws_s3_bucket"]), reason: "too large"),
        .sendFailed(generation: 3, message: .filter(provider: "aws"), reason: "x"),
        .retryDue(generation: 3), .welcomeTimedOut(generation: 3), .pollDue,
        .restResponse(.history(page: 2, limit: 250, from: 3, total: 900), .body(["data": ["total": 900]]), at: 19),
        .restResponse(.driftContext(resourceID: "arn:aws:iam::1:role/a b"), .failure(status: 404, message: "not found"), at: 20),
        .restResponse(.declaredResource(resourceID: "i-1"), .failure(status: nil, message: "TLS: expired"), at: 21),
        .restResponse(.health, .body(["status": "ok"]), at: 22), .restResponse(.stats, .body(.null), at: 23),
        .restResponse(.terraformState, .failure(status: 404, message: ""), at: 24),
        .restResponse(.drifts(page: 1, limit: 1), .body([]), at: 25),
        .configurationProblems(["config.yaml:3: histroy: unknown setting"]),
    ]

    @Test func everyRecordedActionComesBackAsItself() throws {
        for action in Self.actions {
            let line = try #require(RecordingCodec.encode(action, at: 99), "\(action) is recorded")
            let parsed = try JSONParser.parse(line.jsonText)
            let decoded = try RecordingCodec.decode(parsed).get()
            #expect(decoded.t == 99)
            #expect(decoded.actions == [action])
        }
        for notRecorded: Action in [.key(.character("q")), .command(.focusNext), .resized(width: 80, height: 24, pageRows: [:])] {
            #expect(RecordingCodec.encode(notRecorded, at: 1) == nil)
        }
    }

    @Test func topicAndFilterChangesReplayAsTheSameChange() throws {
        var before = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts, .events])
        before.ui.focus = .events
        var after = before
        _ = Reducer.reduce(&after, .command(.toggleTopic(.events)))
        _ = Reducer.reduce(&after, .command(.toggleTopic(.state)))
        _ = Reducer.reduce(&after, .command(.setFilter("sev:high+")))
        let lines = RecordingCodec.changes(from: before, to: after, at: 5)
        #expect(lines.count == 2)
        var replayed = before
        replayed.ui.focus = .drifts
        for line in lines {
            for action in try RecordingCodec.decode(try JSONParser.parse(line.jsonText)).get().actions { _ = Reducer.reduce(&replayed, action) }
        }
        #expect(replayed.servers[0].desiredTopics == after.servers[0].desiredTopics)
        #expect(replayed.ui.filters[.events]?.text == "sev:high+")
    }
}

extension RecordingCodecTests {
    /// A recording is a file from outside: absurd settings in its header are brought into the ranges the
    /// configuration allows, and its text is cleaned, before a replay starts from them.
    @Test func aHostileHeaderIsRangeCheckedAndCleaned() throws {
        let header = try JSONParser.parse(#"""
            {"tfdrift_recording":1,"url":"ws://x/ws\u001b[2J","topics":["drifts","bogus"],"filters":{"drifts":"sev:crit","nope":"x"},
             "settings":{"history_limit":5e7,"backoff_base":-5,"backoff_factor":1e9,"backoff_cap":1e300,"watchdog":-1,
             "outbox_limit":-3,"history_on_start":5e9,"max_retries":1e15,"provider":"aws\u0007","credential":"Bearer token from \u202eevil"}}
            """#)
        let state = try RecordingCodec.initialState(header: header).get()
        let s = state.servers[0].settings
        #expect(s.historyLimit == 10_000_000 && s.historyOnStart == 100_000 && s.maxRetries == 1_000_000)
        #expect(s.backoff.base == 0.001 && s.backoff.factor == 10 && s.backoff.cap == 86_400 && s.watchdog == 0.001)
        #expect(s.outboxLimit == Settings(url: "x").outboxLimit, "a negative count is no count: the default stays")
        #expect(TerminalSafety.isClean(s.url) && TerminalSafety.isClean(s.provider ?? "") && TerminalSafety.isClean(s.credential ?? ""))
        #expect(state.servers[0].desiredTopics == [.drifts] && state.ui.filters.count == 1)
    }
}

extension RecordingCodecTests {
    /// Several servers: the header names them, every line of one server carries its index, and a replay starts
    /// from the same servers and addresses each line back to its server.
    @Test func aRecordingOfSeveralServersReplaysToTheSameServers() throws {
        var live = State(servers: [
            ServerState(name: "prod", settings: Settings(url: "wss://prod.example/ws"), topics: [.drifts]),
            ServerState(name: "staging", settings: Settings(url: "ws://10.1.2.3:8080/ws"), topics: [.drifts, .events]),
        ])
        let header = RecordingCodec.header(live, startedAt: 1000)
        let replayed = try RecordingCodec.initialState(header: try JSONParser.parse(header.jsonText)).get()
        #expect(replayed.servers.map(\.name) == ["prod", "staging"])
        #expect(replayed.servers.map(\.settings.url) == ["wss://prod.example/ws", "ws://10.1.2.3:8080/ws"])
        #expect(replayed.servers.map(\.desiredTopics) == [[.drifts], [.drifts, .events]])

        let frame = Action.server(1, .frameReceived(generation: 3, bytes: Array(#"{"type":"data"}"#.utf8), at: 7))
        let line = try #require(RecordingCodec.encode(frame, at: 7))
        #expect(line["s"] == .number(1))
        #expect(try RecordingCodec.decode(try JSONParser.parse(line.jsonText)).get().actions == [frame])

        // A topic change on one server is recorded for that server alone.
        let before = live
        _ = Reducer.reduce(&live, .server(1, .command(.toggleTopic(.state))))
        let changes = RecordingCodec.changes(from: before, to: live, at: 8)
        #expect(changes.count == 1 && changes[0]["s"] == .number(1))
        var replay = replayed
        for action in try RecordingCodec.decode(try JSONParser.parse(changes[0].jsonText)).get().actions { _ = Reducer.reduce(&replay, action) }
        #expect(replay.servers.map(\.desiredTopics) == live.servers.map(\.desiredTopics))

        // An index no recording could hold is damage, said as such.
        let bad = try JSONParser.parse(#"{"t":1,"k":"tick","at":1,"s":1e9}"#)
        guard case .failure(let error) = RecordingCodec.decode(bad) else {
            Issue.record("a huge server index was accepted")
            return
        }
        #expect(error.reason.contains("server"))
    }
}

/// A replay's controls answer in the key's own frame: Space paused the replay at once, but the status bar said
/// so only with the next data frame, which the link pacing can hold back for a second.
struct ReplayControlFrameTests {
    final class SpaceScreen: Frontend {
        let keys: [Int32]
        var frames: [(key: Bool, paused: Bool?)] = []

        init() {
            var ends: [Int32] = [0, 0]
            _ = pipe(&ends)
            _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
            keys = ends
        }

        var inputDescriptor: Int32? { keys[0] }
        // Once the key has had its frame (a paused replay draws nothing more).
        var wantsToStop: Bool { frames.dropFirst().contains { $0.key } || frames.count >= 200 }

        func readInput(state: State) -> [Action] {
            var byte: UInt8 = 0
            return read(keys[0], &byte, 1) == 1 ? [.key(.character(" "))] : []
        }

        func present(state: State) { present(state: state, byteLimit: nil) }

        func present(state: State, byteLimit: Int?) {
            frames.append((byteLimit == nil, state.ui.replay?.paused))
            if frames.count == 3 { _ = write(keys[1], " ", 1) }
        }

        func takeFrameOutput() -> FrameOutput? { FrameOutput(bytes: 4_000, seconds: 0, cells: 120 * 40) }
    }

    @Test func spaceShowsPausedInItsOwnFrame() throws {
        let recording = try Recording.load(["\(RecordedScreenTests.folder)/restarts-with-gaps.ndjson"]).get()
        let source = try ReplaySource(recording: recording, speed: 1, exitsAtEnd: false)
        let screen = SpaceScreen()
        Runtime(state: source.initialState, source: source, connection: NoConnection(), frontend: screen, clock: VirtualClock()).run()
        let keyFrame = try #require(screen.frames.dropFirst().first { $0.key })
        #expect(keyFrame.paused == true, "\(screen.frames)")
    }
}
