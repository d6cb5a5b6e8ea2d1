#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw
import TFDriftCore

/// `doctor`'s look at the terminal, without taking the screen: TERM and its terminfo, colours, the locale's
/// character set, the size, and inside tmux whether `y` can reach the clipboard.
public enum TerminalProbe {
    public static func checks(environment: [String: String], minimum: (width: Int, height: Int)) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let term = environment["TERM"] ?? ""
        let termFix = "set TERM to a terminal ncurses knows, e.g. export TERM=xterm-256color (tail works without one)"
        if term.isEmpty {
            checks.append(.bad("TERM is not set", fix: termFix))
        } else if term == "dumb" || term == "unknown" {
            checks.append(.bad("TERM=\(term) cannot move the cursor", fix: termFix))
        } else {
            var colors: Int32 = 0
            var canAddress: Int32 = 0
            if tfd_terminfo_probe(term, &colors, &canAddress) != 0 {
                checks.append(.bad("TERM=\(term) has no terminfo entry here", fix: termFix + ", or install ncurses-term"))
            } else if canAddress == 0 {
                checks.append(.bad("TERM=\(term) cannot move the cursor", fix: termFix))
            } else {
                let words = colors >= 256 ? "\(colors) colours" : colors > 0 ? "\(colors) colours (themes fall back to 16)" : "no colour"
                checks.append(.good("TERM=\(term): terminfo found, \(words)"))
            }
        }
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        if codeset.uppercased().filter({ $0 != "-" }) == "UTF8" {
            checks.append(.good("locale's character set is UTF-8"))
        } else {
            checks.append(.bad("locale's character set is \(codeset): borders and marks fall back to ASCII", fix: "export LANG=C.UTF-8 (or another UTF-8 locale)"))
        }
        if let size = windowSize() {
            let fits = size.width >= minimum.width && size.height >= minimum.height
            checks.append(fits ? .good("terminal size \(size.width)x\(size.height)")
                : .bad("terminal size \(size.width)x\(size.height), smaller than the dashboard's \(minimum.width)x\(minimum.height)", fix: "enlarge the window"))
        } else {
            checks.append(.note("not run in a terminal: its size is not known (the dashboard needs \(minimum.width)x\(minimum.height))"))
        }
        if environment["NO_COLOR"].map({ !$0.isEmpty }) == true {
            checks.append(.note("NO_COLOR is set: the dashboard draws without colour"))
        }
        if environment["TMUX"].map({ !$0.isEmpty }) == true {
            checks.append(tmuxClipboard())
        }
        return checks
    }

    /// The size of the controlling terminal (stdout, stdin or /dev/tty), nil outside one.
    static func windowSize() -> (width: Int, height: Int)? {
        var size = winsize()
        for fd in [STDOUT_FILENO, STDIN_FILENO, STDERR_FILENO] where isatty(fd) != 0 {
            if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return (Int(size.ws_col), Int(size.ws_row)) }
        }
        return nil
    }

    /// tmux passes OSC 52 from applications to the clipboard only with `set-clipboard on`.
    static func tmuxClipboard() -> DoctorCheck {
        guard let value = run("tmux", ["show-options", "-gv", "set-clipboard"]) else {
            return .note("inside tmux, but its set-clipboard option could not be read")
        }
        if value == "on" { return .good("tmux set-clipboard on: y copies to the clipboard") }
        return .bad("tmux set-clipboard is \(value): y cannot reach the clipboard", fix: "tmux set -g set-clipboard on (and add it to ~/.tmux.conf)")
    }

    /// A short command's first line of output, nil when it fails.
    static func run(_ command: String, _ arguments: [String]) -> String? {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], STDOUT_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        let argv = ([command] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, command, &actions, nil, argv, environ)
        close(pipeEnds[1])
        defer { close(pipeEnds[0]) }
        guard spawned == 0 else { return nil }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while output.count < 4096 {
            let n = read(pipeEnds[0], &buffer, buffer.count)
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else { return nil }
        return String(decoding: output, as: UTF8.self).split(separator: "\n").first.map(String.init)
    }
}
