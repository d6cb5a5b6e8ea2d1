import CPseudoTerminal
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The dashboard on a pseudo-terminal of a given size, as a user's terminal runs it (the real ncurses driver):
/// started with `posix_spawn`, its screen output read and thrown away so it never blocks on a full pty.
final class DashboardOnPTY {
    let pid: pid_t
    let master: Int32
    private(set) var bytesRead = 0

    init(executable: String, arguments: [String], width: Int, height: Int) throws {
        var name = [CChar](repeating: 0, count: 128)
        let master = cpty_open(&name, name.count)
        guard master >= 0 else { throw BenchError("cannot open a pseudo-terminal") }
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, slavePath, O_RDWR, 0) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A session of its own, as a terminal's shell has.
        posix_spawnattr_setflags(&attributes, cpty_spawn_setsid())
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["LANG"] = "C.UTF-8"
        // A terminal would answer the dashboard's background question (DA1 at least); this pty answers nothing, so
        // it says its background the other way instead of making every launch wait out the question.
        environment["COLORFGBG"] = "15;0"
        let env: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            env.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, env)
        guard rc == 0 else { throw BenchError("cannot start \(executable): errno \(rc)") }
        self.pid = pid
        self.master = master
    }

    /// Reads what the dashboard drew for up to `seconds`; true once `marker` appeared.
    @discardableResult
    func drain(for seconds: Double, until marker: String? = nil) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        var seen = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while Date() < deadline {
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 50) > 0 else { continue }
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { return false }
            bytesRead += count
            if let marker {
                seen.append(contentsOf: buffer[0..<count])
                if String(decoding: seen, as: UTF8.self).contains(marker) { return true }
                if seen.count > 1 << 20 { seen.removeFirst(seen.count - (1 << 16)) }
            }
        }
        return marker == nil
    }

    /// Reads what the dashboard drew as a link of `bytesPerSecond` would carry it (a slow ssh session: the pty
    /// fills and the program's writes wait), for up to `seconds`; true once `marker` appeared.
    @discardableResult
    func drainThrottled(bytesPerSecond: Double, for seconds: Double, until marker: String? = nil) -> Bool {
        let start = Date()
        var allowance = 0.0
        var last = start
        var seen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let needle = marker.map { Array($0.utf8) }
        while Date().timeIntervalSince(start) < seconds {
            usleep(5_000)
            let now = Date()
            allowance = min(allowance + now.timeIntervalSince(last) * bytesPerSecond, bytesPerSecond * 0.05 + 1)
            last = now
            let want = Int(allowance)
            guard want > 0 else { continue }
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 0) > 0 else { continue }
            let count = read(master, &buffer, min(want, buffer.count))
            guard count > 0 else { return false }
            allowance -= Double(count)
            bytesRead += count
            if let needle {
                seen += buffer[0..<count]
                if seen.firstRange(of: needle) != nil { return true }
                if seen.count > 1 << 16 { seen.removeFirst(seen.count - needle.count) }
            }
        }
        return marker == nil
    }

    /// Types `text` into the terminal, as a person at the keyboard.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// CPU seconds used so far (user + system), from /proc.
    var cpuSeconds: Double { processorSeconds(stat: "/proc/\(pid)/stat") }

    /// Its resident memory's high-water mark so far (read while it runs).
    var peakResidentBytes: Int { residentHighWater(of: pid) }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        _ = drain(for: 0.3)
        waitpid(pid, &status, 0)
        close(master)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
