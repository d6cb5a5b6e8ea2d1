#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TFDriftCore
import TFDriftNetwork
import TFDriftWire

/// A recording read back: its first file's header, and the lines of every file in order. A damaged file
/// (cut mid-line, garbage, an unknown format) is read up to the damage; `damage` says where and why.
public struct Recording: Sendable {
    public struct Entry: Sendable {
        public var line: JSONValue
        public var t: Double
        public var file: String
        public var lineNumber: Int
    }

    public var header: JSONValue
    public var entries: [Entry] = []
    /// `file:line: reason` where reading stopped early; nil when every file was read to its end.
    public var damage: String?

    public var startedAt: Double { header["started_at"]?.numberValue ?? entries.first?.t ?? 0 }
    public var endsAt: Double { entries.last?.t ?? startedAt }

    /// Reads `paths` in order (a rotated recording: `FILE`, `FILE.1`, …). Fails only when not even the first
    /// header can be read.
    public static func load(_ paths: [String]) -> Result<Recording, RecordingError> {
        var recording: Recording?
        for path in paths {
            let text: [UInt8]
            switch FileInput.bytes(of: path) {
            case .failure(let error):
                guard var partial = recording else { return .failure(error) }
                partial.damage = error.reason
                return .success(partial)
            case .success(let bytes): text = bytes
            }
            var lineNumber = 0
            var start = 0
            var sawHeader = false
            while start < text.count {
                lineNumber += 1
                let end = text[start...].firstIndex(of: 0x0A)
                let lineBytes = text[start..<(end ?? text.count)]
                start = (end ?? text.count) + 1
                func stop(_ reason: String) -> Result<Recording, RecordingError> {
                    let place = "\(Sanitizer.clean(path, limit: 200)):\(lineNumber): \(reason)"
                    guard var partial = recording else { return .failure(RecordingError(place)) }
                    partial.damage = place
                    return .success(partial)
                }
                if lineBytes.isEmpty { continue }
                guard let json = try? JSONParser.parse(lineBytes) else {
                    return stop(end == nil ? "the last line is cut short (the recording ended mid-write)" : "not a JSON line")
                }
                if !sawHeader {
                    sawHeader = true
                    if case .failure(let error) = RecordingCodec.initialState(header: json) { return stop(error.reason) }
                    if recording == nil { recording = Recording(header: json) }
                    continue
                }
                guard let t = json["t"]?.numberValue, t.isFinite else { return stop("a line without its time \"t\"") }
                recording?.entries.append(Entry(line: json, t: t, file: path, lineNumber: lineNumber))
            }
            if !sawHeader { return recording.map { var r = $0; r.damage = "\(path): empty"; return .success(r) } ?? .failure(RecordingError("\(path): empty")) }
        }
        guard let recording else { return .failure(RecordingError("no recording given")) }
        return .success(recording)
    }
}

/// A recording as the runtime's source: actions come due at their recorded times scaled by `speed` (nil: as
/// fast as possible), through the same decode → reduce → render path as live data, with no socket and no REST
/// call (`NoConnection`), and no timers of its own (the recording holds where the live ones fired). Space
/// pauses, `+`/`-` change speed, `<`/`>` seek a minute, `]`/`[` jump to the next/previous gap or critical drift.
public final class ReplaySource: ActionSource {
    public static let speeds: [Double?] = [1, 2, 5, 10, 30, 60, 100, 300, 1000, nil]
    /// Entries per take at full speed, so the screen keeps drawing and keys keep working.
    static let batch = 4096

    let recording: Recording
    public let initialState: State
    let end: Double?
    let exitsAtEnd: Bool
    var index = 0
    var speed: Double?
    var paused = false
    /// The recorded time of the last entry played.
    var position: Double
    var anchor: (monotonic: Double, recorded: Double)?
    /// Play without pacing up to this recorded time (a seek, `--from`).
    var fastForward: Double?
    var restart: State?
    var lastStatus: ReplayStatus?
    /// `file:line: reason` where a damaged recording stopped.
    public private(set) var stoppedAt: String?

    public init(recording: Recording, speed: Double?, from: Double? = nil, to: Double? = nil, exitsAtEnd: Bool) throws(RecordingError) {
        switch RecordingCodec.initialState(header: recording.header) {
        case .failure(let error): throw error
        case .success(let state): initialState = state
        }
        self.recording = recording
        self.speed = speed
        self.end = to
        self.exitsAtEnd = exitsAtEnd
        position = recording.entries.first?.t ?? recording.startedAt
        fastForward = from
    }

    public var descriptor: Int32? { nil }
    public var drivesTimers: Bool { false }
    public var exhausted: Bool { exitsAtEnd && ended }

    var ended: Bool {
        stoppedAt != nil || index >= recording.entries.count || end.map { recording.entries[index].t > $0 } ?? false
    }

    public var status: ReplayStatus {
        let first = recording.entries.first?.t ?? 0
        let span = max(0.001, (end.map { min($0, recording.endsAt) } ?? recording.endsAt) - first)
        return ReplayStatus(
            speed: speed, paused: paused, at: position, fraction: Checked.clamped((position - first) / span, to: 0...1), ended: ended,
            stoppedAt: stoppedAt ?? (ended ? recording.damage : nil))
    }

    func recordedTime(_ now: Double) -> Double {
        guard let anchor, let speed, !paused else { return position }
        return anchor.recorded + (now - anchor.monotonic) * speed
    }

    public func take(now: Double) -> [Action] {
        if anchor == nil { anchor = (now, position) }
        let limit: Double
        var budget = ReplaySource.batch
        if let target = fastForward {
            limit = target
            budget = .max
        } else if paused {
            limit = -.infinity
        } else if speed == nil {
            limit = .infinity
        } else {
            limit = recordedTime(now)
        }
        var actions: [Action] = []
        while !ended, budget > 0, recording.entries[index].t <= limit {
            let entry = recording.entries[index]
            switch RecordingCodec.decode(entry.line) {
            case .failure(let error):
                stoppedAt = "\(Sanitizer.clean(entry.file, limit: 200)):\(entry.lineNumber): \(error.reason)"
            case .success(let decoded):
                actions += decoded.actions
                index += 1
                position = entry.t
                budget -= 1
            }
        }
        if let target = fastForward, ended || recording.entries[index].t > target {
            fastForward = nil
            position = max(position, min(target, recording.endsAt))
            anchor = (now, position)
        }
        let now = status
        if now != lastStatus {
            lastStatus = now
            actions.append(.replayProgress(now))
        }
        return actions
    }

    public func nextDue(now: Double) -> Double? {
        if ended { return nil }
        if fastForward != nil || (speed == nil && !paused) { return now }
        guard !paused, let speed, let anchor else { return nil }
        return anchor.monotonic + (recording.entries[index].t - anchor.recorded) / speed
    }

    public func takeRestart() -> State? {
        defer { restart = nil }
        return restart
    }

    public func intercept(_ key: Key, state: State, now: Double) -> Bool {
        // Typing (filter, palette) and the help's own keys are the store's.
        if state.ui.editingFilter || state.ui.palette != nil || state.ui.showHelp { return false }
        guard let control = ReplayControl(key) else { return false }
        switch control {
        case .pause:
            position = recordedTime(now)
            paused.toggle()
        case .faster:
            changeSpeed(by: 1, now: now)
        case .slower:
            changeSpeed(by: -1, now: now)
        case .forward:
            seek(to: recordedTime(now) + 60, now: now)
        case .back:
            seek(to: recordedTime(now) - 60, now: now)
        case .nextMoment:
            if let next = nextMoment(after: state) { seek(to: next, now: now) } else { seek(to: recording.endsAt, now: now) }
            paused = true
        case .previousMoment:
            if let previous = previousMoment(in: state) { seek(to: previous, now: now) }
            paused = true
        }
        anchor = (now, position)
        return true
    }

    func changeSpeed(by step: Int, now: Double) {
        position = recordedTime(now)
        let current = ReplaySource.speeds.firstIndex { $0 == speed } ?? ReplaySource.speeds.firstIndex { ($0 ?? .infinity) >= (speed ?? .infinity) } ?? 0
        speed = ReplaySource.speeds[max(0, min(ReplaySource.speeds.count - 1, current + step))]
    }

    /// Forward: played on at once; backward: from the start again (the runtime keeps the viewer's screen).
    func seek(to target: Double, now: Double) {
        let first = recording.entries.first?.t ?? recording.startedAt
        let clamped = Checked.clamped(target, to: first...max(first, recording.endsAt))
        if clamped < position {
            restart = initialState
            lastStatus = nil
            index = 0
            stoppedAt = nil
            position = first
        }
        fastForward = clamped
    }

    /// The recorded time of the next gap or new critical drift after the position: played ahead on a copy.
    func nextMoment(after state: State) -> Double? {
        var scratch = state
        let gaps = scratch.feed.gaps.count
        var cursor = index
        var scanned = 0
        while cursor < recording.entries.count, scanned < 500_000 {
            let entry = recording.entries[cursor]
            guard case .success(let decoded) = RecordingCodec.decode(entry.line) else { return nil }
            for action in decoded.actions {
                let before = scratch.feed.drifts.nextSeq
                _ = Reducer.reduce(&scratch, Runtime.decoded(action, keepingRaw: false))
                let critical = (before..<scratch.feed.drifts.nextSeq).contains { scratch.feed.drifts[$0]?.severity == .critical }
                if critical || scratch.feed.gaps.count > gaps { return entry.t }
            }
            cursor += 1
            scanned += 1
        }
        return nil
    }

    /// The latest gap start or critical drift before the position.
    func previousMoment(in state: State) -> Double? {
        let before = position - 0.5
        var best = state.feed.gaps.map(\.start).filter { $0 < before }.max()
        for drift in state.feed.drifts.newestFirst(limit: state.feed.drifts.count) where drift.severity == .critical && drift.receivedAt < before {
            best = max(best ?? drift.receivedAt, drift.receivedAt)
            break
        }
        return best
    }

    /// Plays all of `recording` into `frontend` as fast as possible (`tail --replay`, tests).
    /// `filter` (`tail --replay … --filter`) replaces the filters the recording started with on every list pane.
    public static func play(
        _ recording: Recording, into frontend: Frontend, speed: Double? = nil, filter: String? = nil
    ) throws(RecordingError) -> (state: State, stoppedAt: String?) {
        let source = try ReplaySource(recording: recording, speed: speed, exitsAtEnd: true)
        var start = source.initialState
        if let filter { start.ui.filterEveryPane(filter) }
        let runtime = Runtime(state: start, source: source, connection: NoConnection(), frontend: frontend)
        return (runtime.run(), source.stoppedAt ?? recording.damage)
    }
}

/// Whole files read without Foundation, with the reason in words.
enum FileInput {
    static func bytes(of path: String) -> Result<[UInt8], RecordingError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(RecordingError("\(Sanitizer.clean(path, limit: 200)): \(FileOutput.reason(errno))")) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(RecordingError("\(Sanitizer.clean(path, limit: 200)): \(FileOutput.reason(errno))"))
            }
            if count == 0 { break }
            result += chunk[0..<count]
        }
        return .success(result)
    }
}
