#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TFDriftCore
import TFDriftWire

/// `--record FILE`: appends what reaches the store (see `RecordingCodec`) as NDJSON after a header line. The file
/// is owner-only, written at least once a second (a crash loses at most that) and rotated at `maximumSize` into
/// `FILE.1`, `FILE.2`, … (each starting with the header). Every line passes the secret redaction, so a server
/// that echoes a token cannot put it in a recording; request headers are never recorded.
public final class Recorder {
    public let path: String
    let maximumSize: Int
    let header: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var written = 0
    private var part = 0
    private var lastFlush: Double
    /// The first write error, after which nothing more is recorded (and the status line says so).
    public private(set) var failure: String?

    /// Creates (or truncates) `path`; the reason in words when it cannot be.
    public static func create(path: String, maximumSize: Int, state: State, startedAt: Double) -> Result<Recorder, RecordingError> {
        let header = RecordingCodec.header(state, startedAt: startedAt).jsonText
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .failure(RecordingError("\(path): \(FileOutput.reason(errno))")) }
        return .success(Recorder(path: path, maximumSize: maximumSize, header: header, descriptor: fd, now: startedAt))
    }

    private init(path: String, maximumSize: Int, header: String, descriptor: Int32, now: Double) {
        self.path = path
        self.maximumSize = max(4096, maximumSize)
        self.header = header
        self.descriptor = descriptor
        self.lastFlush = now
        append(header)
    }

    deinit {
        flush()
        close(descriptor)
    }

    /// Records `action` (when it is recorded at all) and what it changed of the user's topics and filters.
    func record(_ action: Action, before: State, after: State, now: Double) {
        guard failure == nil else { return }
        if let line = RecordingCodec.encode(action, at: now) { append(line.jsonText) }
        switch action {
        case .command, .key:
            for line in RecordingCodec.changes(from: before, to: after, at: now) { append(line.jsonText) }
        default:
            break
        }
        if buffer.count >= 1 << 16 || now - lastFlush >= 1 {
            lastFlush = now
            flush()
        }
    }

    private func append(_ line: String) {
        buffer.append(contentsOf: Secrets.redact(line).utf8)
        buffer.append(0x0A)
    }

    /// Writes what is buffered; past the size limit, continues in the next numbered file.
    public func flush() {
        guard failure == nil, !buffer.isEmpty else { return }
        if written > 0, written + buffer.count > maximumSize { rotate() }
        written += buffer.count
        if let error = FileOutput.flush(descriptor, &buffer) { failure = "recording to \(path) stopped: \(error)" }
    }

    private func rotate() {
        close(descriptor)
        part += 1
        let next = "\(path).\(part)"
        descriptor = open(next, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            failure = "recording to \(next) stopped: \(FileOutput.reason(errno))"
            return
        }
        var head = Array(header.utf8) + [0x0A]
        written = head.count
        if let error = FileOutput.flush(descriptor, &head) { failure = "recording to \(next) stopped: \(error)" }
    }
}
