#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TFDriftCore
import TFDriftNetwork
import TFDriftWire

/// A recording read back: its first file's header, and an index of the lines of every file in order; each
/// line is read from its file again when it plays, so memory follows the index (32 bytes a line), not the
/// files. A damaged file (cut mid-line, garbage, an unknown format, a line over `maximumLineBytes`) is read up
/// to the damage; `damage` says where and why.
public struct Recording: Sendable {
    public struct Entry: Sendable {
        public var t: Double
        /// Where the line starts in its file, and its length without the newline.
        var offset: Int
        var length: Int32
        var file: Int32
        public var lineNumber: Int
    }

    /// The longest line read: a whole 8 MiB message written as JSON text with every byte escaped (`\u0001`)
    /// is 48 MiB; anything longer is not a line this program wrote.
    public static let maximumLineBytes = 64 << 20

    public var header: JSONValue
    public var entries: [Entry] = []
    /// `file:line: reason` where reading stopped early; nil when every file was read to its end.
    public var damage: String?
    let files: RecordingFiles

    public var startedAt: Double { header["started_at"]?.numberValue ?? entries.first?.t ?? 0 }
    public var endsAt: Double { entries.last?.t ?? startedAt }

    /// `file:line` of an entry, for messages.
    public func place(_ entry: Entry) -> String {
        "\(Sanitizer.clean(files.paths[Int(entry.file)], limit: 200)):\(entry.lineNumber)"
    }

    /// An entry's line, read from its file again and parsed.
    public func line(_ entry: Entry) -> Result<JSONValue, RecordingError> {
        guard let bytes = files.read(file: Int(entry.file), offset: entry.offset, length: Int(entry.length)),
            let json = try? JSONParser.parse(bytes)
        else { return .failure(RecordingError("\(place(entry)): the file changed while it played")) }
        return .success(json)
    }

    /// An entry's actions, or where and why it cannot be played.
    public func actions(_ entry: Entry) -> Result<(t: Double, actions: [Action]), RecordingError> {
        switch line(entry) {
        case .failure(let error): return .failure(error)
        case .success(let json):
            return RecordingCodec.decode(json).mapError { RecordingError("\(place(entry)): \($0.reason)") }
        }
    }

    /// Reads `paths` in order (a rotated recording: `FILE`, `FILE.1`, …). Fails only when not even the first
    /// header can be read.
    public static func load(_ paths: [String]) -> Result<Recording, RecordingError> {
        guard !paths.isEmpty else { return .failure(RecordingError("no recording given")) }
        let files = RecordingFiles(paths)
        var recording: Recording?
        for (fileIndex, path) in paths.enumerated() {
            var sawHeader = false
            var lineNumber = 0
            let place = { (line: Int) in "\(Sanitizer.clean(path, limit: 200)):\(line)" }
            // One line: the header once per file, then entries; the reason when it cannot be read.
            func take(_ bytes: UnsafeRawBufferPointer, at offset: Int, last: Bool) -> String? {
                lineNumber += 1
                if bytes.isEmpty { return nil }
                guard let json = try? JSONParser.parse(bytes.bindMemory(to: UInt8.self)) else {
                    return last ? "the last line is cut short (the recording ended mid-write)" : "not a JSON line"
                }
                if !sawHeader {
                    sawHeader = true
                    if case .failure(let error) = RecordingCodec.initialState(header: json) { return error.reason }
                    if recording == nil { recording = Recording(header: json, files: files) }
                    return nil
                }
                guard let t = json["t"]?.numberValue, t.isFinite else { return "a line without its time \"t\"" }
                recording?.entries.append(Entry(t: t, offset: offset, length: Int32(bytes.count), file: Int32(fileIndex), lineNumber: lineNumber))
                return nil
            }
            let outcome = files.scanLines(file: fileIndex, maximumLine: maximumLineBytes, take)
            let stop: String?
            switch outcome {
            case .failure(let error): stop = error.reason
            case .success(let reason?):
                // A line too long never reached `take`, which counts the lines.
                stop = "\(place(reason == RecordingFiles.tooLong(maximumLineBytes) ? lineNumber + 1 : lineNumber)): \(reason)"
            case .success(nil): stop = sawHeader ? nil : "\(Sanitizer.clean(path, limit: 200)): empty"
            }
            if let stop {
                guard var partial = recording else { return .failure(RecordingError(stop)) }
                partial.damage = stop
                return .success(partial)
            }
        }
        guard let recording else { return .failure(RecordingError("no recording given")) }
        return .success(recording)
    }
}

/// The files of a recording, open for reading lines back at their offsets (`pread`, so copies of a recording
/// may read at once); closed with the last copy.
final class RecordingFiles: Sendable {
    let paths: [String]
    let descriptors: [Int32]
    /// Why a file could not be opened (its `errno`), or 0.
    let openErrors: [Int32]

    init(_ paths: [String]) {
        self.paths = paths
        var descriptors: [Int32] = []
        var openErrors: [Int32] = []
        for path in paths {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            descriptors.append(fd)
            openErrors.append(fd < 0 ? errno : 0)
        }
        self.descriptors = descriptors
        self.openErrors = openErrors
    }

    static func tooLong(_ maximum: Int) -> String { "a line longer than \(maximum >> 20) MiB (not one this program wrote)" }

    deinit {
        for fd in descriptors where fd >= 0 { close(fd) }
    }

    func read(file: Int, offset: Int, length: Int) -> [UInt8]? {
        guard descriptors.indices.contains(file), descriptors[file] >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let n = bytes.withUnsafeMutableBytes { pread(descriptors[file], $0.baseAddress! + done, length - done, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return bytes
    }

    /// Calls `take` with each line of `file` (without its newline), its offset, and whether it is an unfinished
    /// last line, in 1 MiB reads: only a line that spans reads is copied, and none beyond `maximumLine`.
    /// Stops at the first reason `take` gives, or at a line too long; fails when the file cannot be read.
    func scanLines(
        file: Int, maximumLine: Int, _ take: (UnsafeRawBufferPointer, Int, Bool) -> String?
    ) -> Result<String?, RecordingError> {
        let fd = descriptors[file]
        func failure(_ code: Int32 = errno) -> Result<String?, RecordingError> {
            .failure(RecordingError("\(Sanitizer.clean(paths[file], limit: 200)): \(FileOutput.reason(code))"))
        }
        guard fd >= 0 else { return failure(openErrors[file]) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var carry: [UInt8] = []
        var carryStart = 0
        var chunkStart = 0
        let tooLong = RecordingFiles.tooLong(maximumLine)
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(chunkStart)) }
            if count < 0 {
                if errno == EINTR { continue }
                return failure()
            }
            if count == 0 { break }
            let stop: String?? = chunk.withUnsafeBytes { raw -> String?? in
                var start = 0
                while start < count, let found = memchr(raw.baseAddress! + start, 0x0A, count - start) {
                    let end = raw.baseAddress!.distance(to: UnsafeRawPointer(found))
                    let reason: String?
                    if carry.isEmpty {
                        reason = take(UnsafeRawBufferPointer(rebasing: raw[start..<end]), chunkStart + start, false)
                    } else {
                        guard carry.count + (end - start) <= maximumLine else { return .some(tooLong) }
                        carry.append(contentsOf: raw[start..<end])
                        reason = carry.withUnsafeBytes { take($0, carryStart, false) }
                        carry = []
                    }
                    if let reason { return .some(reason) }
                    start = end + 1
                }
                if start < count {
                    if carry.isEmpty { carryStart = chunkStart + start }
                    guard carry.count + (count - start) <= maximumLine else { return .some(tooLong) }
                    carry.append(contentsOf: raw[start..<count])
                }
                return .none
            }
            if let stop { return .success(stop) }
            chunkStart += count
        }
        if !carry.isEmpty, let reason = carry.withUnsafeBytes({ take($0, carryStart, true) }) { return .success(reason) }
        return .success(nil)
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
            switch recording.actions(entry) {
            case .failure(let error):
                stoppedAt = error.reason
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
            guard case .success(let decoded) = recording.actions(entry) else { return nil }
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
