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

/// Plays a recording into a frontend through the same reduce path as live data, with no socket and no REST
/// call: every effect is dropped, because what the live run's effects led to is itself in the recording.
/// `speed` nil plays as fast as possible; otherwise recorded time passes `speed` times faster.
public final class ReplayPlayer {
    public private(set) var state: State
    let recording: Recording
    let frontend: Frontend
    let speed: Double?
    /// Where playback stopped early, worded for the user (`file:line: reason`).
    public private(set) var stoppedAt: String?

    public init(recording: Recording, frontend: Frontend, speed: Double? = nil) throws(RecordingError) {
        switch RecordingCodec.initialState(header: recording.header) {
        case .failure(let error): throw error
        case .success(let state): self.state = state
        }
        self.recording = recording
        self.frontend = frontend
        self.speed = speed
    }

    @discardableResult
    public func run() -> State {
        let wallStart = SystemClock.monotonic()
        let recordedStart = recording.entries.first?.t ?? 0
        var played = 0
        for entry in recording.entries {
            if frontend.wantsToStop || state.quitting { break }
            if let speed, speed > 0 {
                let due = wallStart + (entry.t - recordedStart) / speed
                let wait = due - SystemClock.monotonic()
                if wait > 0 { usleep(UInt32(Checked.clamped(wait * 1_000_000, to: 0...1_000_000))) }
            }
            let result = RecordingCodec.decode(entry.line, state: state)
            if case .failure(let error) = result {
                stoppedAt = "\(Sanitizer.clean(entry.file, limit: 200)):\(entry.lineNumber): \(error.reason)"
                break
            }
            if case .success(let decoded) = result {
                for action in decoded.actions { dispatch(action) }
            }
            played += 1
            // As fast as possible, output still leaves in steady chunks.
            if played % 512 == 0 || speed != nil { frontend.present(state: state) }
        }
        if stoppedAt == nil { stoppedAt = recording.damage }
        frontend.present(state: state)
        return state
    }

    func dispatch(_ action: Action) {
        let action = Runtime.decoded(action)
        let previous = state.connection
        _ = Reducer.reduce(&state, action)
        frontend.observe(action, previous: previous, state: state)
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
