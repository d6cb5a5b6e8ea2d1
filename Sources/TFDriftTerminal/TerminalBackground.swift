#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TFDriftView

/// Whether the terminal's background is dark or light, so that `t` offers only the themes made for it: from
/// `COLORFGBG` where the terminal sets it (rxvt, Konsole), else asked the terminal itself (OSC 11, answered by
/// xterm, VTE, kitty, iTerm2 and most others) before the screen is taken over; nil when neither says, and every
/// theme stays on offer.
public enum TerminalBackground {
    /// The longest a terminal that answers nothing (not even DA1) delays the start; one that answers DA1 (every
    /// terminal emulator, tmux, screen) ends the wait as soon as it does.
    public static let patience = 1.0

    public static func detect(environment: [String: String]) -> Contrast.Background? {
        fromColorFGBG(environment["COLORFGBG"]) ?? query()
    }

    /// `COLORFGBG=15;0`: the last field is the background's colour number; 0–6 and 8 are dark.
    static func fromColorFGBG(_ value: String?) -> Contrast.Background? {
        guard let last = value?.split(separator: ";").last, let index = Int(last), (0...15).contains(index) else { return nil }
        return [0, 1, 2, 3, 4, 5, 6, 8].contains(index) ? .dark : .light
    }

    /// The terminal's answer to OSC 11 (`ESC ] 11 ; rgb:RRRR/GGGG/BBBB` ended by BEL or ST, 1–4 hex digits a
    /// channel), or nil for anything else.
    static func parse(_ bytes: [UInt8]) -> Contrast.Background? {
        guard let text = String(validating: bytes, as: UTF8.self), let start = text.firstRange(of: "rgb:") else { return nil }
        let body = text[start.upperBound...].prefix { $0.isHexDigit || $0 == "/" }
        let channels = body.split(separator: "/", omittingEmptySubsequences: false)
        guard channels.count == 3 else { return nil }
        var rgb: [UInt8] = []
        for channel in channels {
            guard (1...4).contains(channel.count), let value = UInt32(channel, radix: 16) else { return nil }
            let maximum = (UInt32(1) << (4 * UInt32(channel.count))) - 1
            rgb.append(UInt8(value * 255 / maximum))
        }
        // Below the luminance of a mid grey (#777, which reads as half-way to the eye), dark.
        return Contrast.luminance((rgb[0], rgb[1], rgb[2])) < 0.18 ? .dark : .light
    }

    /// Asks the controlling terminal, raw and without echo, and puts its modes back. The question goes with a
    /// request every terminal answers (DA1, `ESC [ c`), and answers come in order: once DA1's is in, an OSC 11
    /// answer that did not come before it never will (and cannot turn up later as keys).
    static func query() -> Contrast.Background? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        defer { _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        let ask: StaticString = "\u{1B}]11;?\u{1B}\\\u{1B}[c"
        guard write(STDOUT_FILENO, ask.utf8Start, ask.utf8CodeUnitCount) == ask.utf8CodeUnitCount else { return nil }
        var answer: [UInt8] = []
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let end = Double(start.tv_sec) + Double(start.tv_nsec) / 1e9 + patience
        while answer.count < 256, !answeredDA1(answer) {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let left = end - (Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
            guard left > 0 else { break }
            var poller = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(left * 1000) + 1) > 0 else { break }
            var chunk = [UInt8](repeating: 0, count: 64)
            let count = read(STDIN_FILENO, &chunk, chunk.count)
            guard count > 0 else { break }
            answer += chunk.prefix(count)
        }
        return parse(answer)
    }

    /// `ESC [ ? … c` is in: the terminal has answered everything asked before it.
    static func answeredDA1(_ bytes: [UInt8]) -> Bool {
        guard let start = bytes.indices.first(where: { bytes[$0] == 0x1B && bytes.count > $0 + 2 && bytes[$0 + 1] == 0x5B && bytes[$0 + 2] == 0x3F })
        else { return false }
        return bytes[(start + 3)...].contains(UInt8(ascii: "c"))
    }
}
