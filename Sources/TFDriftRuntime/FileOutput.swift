#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TFDriftCore

/// Writes exports: owner-only (an export holds infrastructure details), whole lines, and an error a person can
/// read instead of a crash when the disk or the path says no.
public enum FileOutput {
    /// nil on success, else why not (sanitised).
    /// `~`, `~/…`, `$HOME` and `$HOME/…` with the home folder; anything else as typed (`~user` is not expanded).
    public static func expandingHome(_ path: String, home: String?) -> String {
        guard let home, !home.isEmpty else { return path }
        for prefix in ["~", "$HOME", "${HOME}"] where path == prefix || path.hasPrefix(prefix + "/") {
            return home + path.dropFirst(prefix.count)
        }
        return path
    }

    static func save(lines: [String], to path: String) -> String? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return reason(errno) }
        defer { close(fd) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        for line in lines {
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 16, let error = flush(fd, &buffer) { return error }
        }
        return flush(fd, &buffer)
    }

    static func flush(_ fd: Int32, _ buffer: inout [UInt8]) -> String? {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return reason(errno)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
        return nil
    }

    static func reason(_ code: Int32) -> String {
        Sanitizer.clean(String(cString: strerror(code)), limit: 120)
    }
}
