#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization
import TFDriftCore
import TFDriftNetwork
import TFDriftWire

/// The file behind `--log-file`: opened for appending, created owner-only (a log names servers, users and
/// resources), never the terminal. One `write(2)` per line under a lock: the network thread and the main loop
/// both log.
public final class LogFile: Sendable {
    private let descriptor: Int32
    private let lock = Mutex(())

    /// Opens `path`; the reason in words when it cannot be.
    public static func opening(_ path: String) -> Result<LogFile, FileLogError> {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .failure(FileLogError(message: "\(path): \(FileOutput.reason(errno))")) }
        return .success(LogFile(descriptor: fd))
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        lock.withLock { _ in _ = FileOutput.flush(descriptor, &bytes) }
    }

    /// A logger writing here.
    public var logger: Logger {
        let file = self
        return Logger(label: "tfdrift-tui", factory: { _ in FileLogHandler(file: file) })
    }
}

public struct FileLogError: Error, Sendable {
    public var message: String
}

/// swift-log's handler for `LogFile`: one JSON object per line (`time`, `level`, `event`, then the metadata
/// sorted by key), every text through the sanitiser, so no registered secret and no control character gets in.
public struct FileLogHandler: LogHandler {
    let file: LogFile
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let now = SystemClock.now()
        let milliseconds = Checked.clamped((now - now.rounded(.down)) * 1000, to: 0...999)
        let stamp = Timestamp.format(now).dropLast() + "." + String(1000 + milliseconds).dropFirst() + "Z"
        var pairs: [(key: String, value: JSONValue)] = [
            ("time", .string(String(stamp))),
            ("level", .string(event.level.rawValue)),
            ("event", .string(Sanitizer.clean(event.message.description, limit: 200))),
        ]
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            pairs.append((Sanitizer.clean(key, limit: 40), .string(Sanitizer.clean(value.description, limit: 1000))))
        }
        file.write(JSONValue.object(JSONObject(pairs)).jsonText)
    }
}
