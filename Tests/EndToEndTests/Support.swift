import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The built `tfdrift-tui`, next to this test binary in the build folder.
func productPath(_ name: String = "tfdrift-tui") throws -> String {
    let me = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let directory = URL(fileURLWithPath: me).deletingLastPathComponent()
    let path = directory.appendingPathComponent(name).path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw E2EError("\(path) is missing: build it with `swift build` before `swift test`")
    }
    return path
}

struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A child process started with `posix_spawn`; output is captured through files, not pipes, because a
/// daemon the command leaves behind (the tmux server) would hold a pipe open for ever.
struct Child {
    let pid: pid_t

    static func spawn(_ executable: String, _ arguments: [String], stdout: String, stderr: String) throws -> Child {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Test runners block signals in their worker threads and a child inherits the mask; start clean.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw E2EError("cannot start \(executable): errno \(rc)") }
        return Child(pid: pid)
    }

    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// Waits for the exit, sampling the child's peak resident set (`VmHWM`, KiB) every 5 ms meanwhile: wait4's
    /// `ru_maxrss` would charge it with this test process's memory, which a vfork-spawned child shares until exec.
    func waitSamplingPeak() -> (status: Int32, peakKB: Int) {
        var status: Int32 = 0
        var peak = 0
        while true {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
            {
                peak = max(peak, Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0)
            }
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            usleep(5000)
        }
        return ((status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F), peak)
    }

    func terminate() {
        kill(pid, SIGTERM)
        _ = wait()
    }
}

func scratchFile(_ suffix: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("tfdrift-e2e-\(UUID().uuidString).\(suffix)").path
}

/// Runs a command to completion and returns its exit status and output.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let outPath = scratchFile("out"), errPath = scratchFile("err")
    defer {
        unlink(outPath)
        unlink(errPath)
    }
    let status = try Child.spawn(executable, arguments, stdout: outPath, stderr: errPath).wait()
    let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return (status, out, err)
}

/// Like `run`, with the command's peak resident set in KiB as sampled while it ran.
func runSamplingPeak(_ executable: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String, peakKB: Int) {
    let outPath = scratchFile("out"), errPath = scratchFile("err")
    defer {
        unlink(outPath)
        unlink(errPath)
    }
    let (status, peak) = try Child.spawn(executable, arguments, stdout: outPath, stderr: errPath).waitSamplingPeak()
    let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return (status, out, err, peak)
}

/// A `demo-server` child process on a free loopback port.
final class DemoServerProcess {
    let child: Child
    let port: Int
    let outPath = scratchFile("out")

    init(dialect: String = "real", rate: Double = 30, port: Int = 0, extra: [String] = []) throws {
        child = try Child.spawn(
            try productPath(), ["demo-server", "--port", String(port), "--dialect", dialect, "--rate", String(rate)] + extra,
            stdout: outPath, stderr: "/dev/null")
        // The first line names the bound port: wait for it, bounded, rather than for a fixed time.
        let deadline = Date().addingTimeInterval(20)
        var banner = ""
        while !banner.contains("\n") {
            guard Date() < deadline else { throw E2EError("demo-server never announced its port") }
            banner = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            if !banner.contains("\n") { usleep(20_000) }
        }
        guard let range = banner.range(of: #"127\.0\.0\.1:(\d+)/ws"#, options: .regularExpression),
            let port = Int(banner[range].dropFirst("127.0.0.1:".count).dropLast(3))
        else { throw E2EError("unexpected demo-server banner: \(banner)") }
        self.port = port
    }

    var url: String { "ws://127.0.0.1:\(port)/ws" }

    func stop() {
        child.terminate()
        unlink(outPath)
    }
}

/// A private tmux server (its own socket), so tests never touch the user's sessions.
final class Tmux {
    let socket = "tfdrift-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
    let tmux: String

    init(width: Int, height: Int, command: String) throws {
        tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "tmux"
        try check(["new-session", "-d", "-s", "e2e", "-x", String(width), "-y", String(height), "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8", command])
    }

    func check(_ arguments: [String]) throws {
        let result = try run(tmux, ["-L", socket, "-f", "/dev/null"] + arguments)
        guard result.status == 0 else { throw E2EError("tmux \(arguments.joined(separator: " ")) failed: \(result.err)") }
    }

    func send(_ keys: String...) throws { try check(["send-keys", "-t", "e2e"] + keys) }

    func type(_ line: String) throws {
        try check(["send-keys", "-t", "e2e", "-l", line])
        try check(["send-keys", "-t", "e2e", "Enter"])
    }

    func resize(width: Int, height: Int) throws {
        try check(["resize-window", "-t", "e2e", "-x", String(width), "-y", String(height)])
    }

    func screen() throws -> String {
        try run(tmux, ["-L", socket, "capture-pane", "-p", "-t", "e2e"]).out
    }

    /// Polls the screen until `condition` holds; throws with the last screen if it never does. The default bound is
    /// generous: alone a step takes well under a second, but the whole suite in parallel on two cores (replays of
    /// 300,000 lines, floods) has made one take over 20 s.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 45, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            usleep(100_000)
        }
        throw E2EError("timed out waiting for \(what); screen was:\n\(last)")
    }

    func kill() {
        _ = try? run(tmux, ["-L", socket, "kill-server"])
    }

    /// A shell in tmux that saved its terminal modes, then runs the dashboard and echoes its exit status.
    static func shellRunningDashboard(url: String, width: Int, height: Int, flags: String = "") throws -> Tmux {
        let tmux = try Tmux(width: width, height: height, command: "bash --norc --noprofile")
        try tmux.type("stty -g > \(tmux.modesFile("before")); clear")
        try tmux.type("\(try productPath()) --url \(url) \(flags); echo EXIT=$?")
        return tmux
    }

    /// A value of the pane as tmux sees it (`#{mouse_sgr_flag}`, …).
    func paneFormat(_ format: String) throws -> String {
        let result = try run(tmux, ["-L", socket, "-f", "/dev/null", "display-message", "-p", "-t", "e2e", format])
        return result.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func modesFile(_ name: String) -> String { "/tmp/\(socket).\(name)" }

    /// After the dashboard exited: the terminal modes are what they were before, and the shell echoes input.
    func expectTerminalRestored() throws {
        try type("stty -g > \(modesFile("after")); cmp -s \(modesFile("before")) \(modesFile("after")) && echo TTY-RESTORED-$((6*7))")
        try waitFor("terminal modes restored and the shell echoing") { $0.contains("TTY-RESTORED-42") }
        unlink(modesFile("before"))
        unlink(modesFile("after"))
    }
}

/// `Drifts 123` from a pane title.
func paneCount(_ pane: String, in screen: String) -> Int? {
    guard let range = screen.range(of: "\(pane) [0-9,]+", options: .regularExpression) else { return nil }
    return Int(screen[range].dropFirst(pane.count + 1).filter(\.isNumber))
}
