#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcursesw
import TFDriftCore
import TFDriftView

nonisolated(unsafe) private var cursesActive = false
/// The driver switched xterm's SGR mouse mode on itself (ncurses would have read X10): switched off on restore.
nonisolated(unsafe) private var ownMouseReports = false

/// Why the terminal cannot host the dashboard, and what to do.
public enum TerminalError: Error, CustomStringConvertible {
    case noTerm
    case unknown(String)
    case cannotAddress(String)

    public var description: String {
        let advice = "set TERM to a terminal ncurses knows, e.g. TERM=xterm-256color, or use `tfdrift-tui tail` for plain lines"
        switch self {
        case .noTerm: return "TERM is not set, so the terminal's abilities are unknown; \(advice)"
        case .unknown(let term):
            return "the terminal type \"\(String(term.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F }.prefix(40)))\" has no terminfo entry here; \(advice)"
        case .cannotAddress(let term):
            return "TERM=\(String(term.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F }.prefix(40))) cannot move the cursor, which a full-screen dashboard needs; \(advice)"
        }
    }
}

/// The only code that calls ncurses: copies a canvas to the screen and reads keys.
/// ncurses is not thread-safe, so one thread (the main loop) owns this object.
public final class TerminalDriver {
    public let glyphs: Glyphs
    public let colorsAvailable: Bool
    private var pairs: [Int64: (pair: Int32, extra: attr_t)] = [:]
    private var nextPair: Int32 = 1
    private let asciiOnly: Bool

    /// Initialises the terminal. Call `restore()` (or let a signal/crash handler do it) before exiting.
    /// A terminal that cannot host the dashboard is refused with words a person can act on.
    public init(mouse: Bool = false) throws(TerminalError) {
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        if term.isEmpty { throw .noTerm }
        if term == "dumb" || term == "unknown" { throw .cannotAddress(term) }
        setlocale(LC_ALL, "")
        // A short ESC delay so Escape does not feel stuck; the user's ESCDELAY wins.
        if getenv("ESCDELAY") == nil { setenv("ESCDELAY", "25", 1) }
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        asciiOnly = String(codeset.uppercased().filter { $0 != "-" }) != "UTF8"
        glyphs = asciiOnly ? .ascii : .unicode
        guard tfd_newterm(term) != ERR else { throw .unknown(term) }
        cursesActive = true
        guard tfd_can_address() != 0 else {
            TerminalDriver.restoreTerminal()
            throw .cannotAddress(term)
        }
        TerminalDriver.installCrashRestore()
        cbreak()
        noecho()
        nonl()
        keypad(tfd_stdscr(), true)
        nodelay(tfd_stdscr(), true)
        curs_set(0)
        if mouse {
            if tfd_mouse_speaks_sgr() != 0 {
                tfd_enable_mouse()
            } else {
                // Button presses and the wheel (1000), reported in SGR (1006): any column, any row.
                ownMouseReports = true
                let on: StaticString = "\u{1B}[?1000h\u{1B}[?1006h"
                _ = write(STDOUT_FILENO, on.utf8Start, on.utf8CodeUnitCount)
            }
        }
        if getenv("ESCDELAY") != nil, let value = Int32(String(cString: getenv("ESCDELAY"))) { set_escdelay(value) }
        if has_colors() {
            start_color()
            use_default_colors()
            colorsAvailable = true
        } else {
            colorsAvailable = false
        }
    }

    /// The colour depth terminfo promises (`colors`); none without colour support.
    public var colorDepth: ColorDepth { colorsAvailable ? ColorDepth.fromTerminfo(colors: Int(tfd_colors())) : .none }

    public var size: Size { Size(width: Int(tfd_cols()), height: Int(tfd_lines())) }

    /// Leaves curses mode: the shell gets its cooked terminal back. Safe to call twice.
    public func restore() {
        TerminalDriver.restoreTerminal()
    }

    static func restoreTerminal() {
        guard cursesActive else { return }
        cursesActive = false
        mouseReportsOff()
        curs_set(1)
        endwin()
    }

    /// Async-signal-safe: one write of a static string.
    static func mouseReportsOff() {
        guard ownMouseReports else { return }
        ownMouseReports = false
        let off: StaticString = "\u{1B}[?1006l\u{1B}[?1000l"
        _ = write(STDOUT_FILENO, off.utf8Start, off.utf8CodeUnitCount)
    }

    /// A crash must not leave the terminal in raw mode: restore it, then die with the same signal.
    static func installCrashRestore() {
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(sig) { number in
                if cursesActive {
                    cursesActive = false
                    TerminalDriver.mouseReportsOff()
                    endwin()
                }
                signal(number, SIG_DFL)
                raise(number)
            }
        }
        atexit { TerminalDriver.restoreTerminal() }
    }

    /// ncurses reported a new window size since the last `takeResize()`.
    private var resizePending = false

    public func takeResize() -> Bool {
        defer { resizePending = false }
        return resizePending
    }

    /// Keys read without blocking.
    public func readKeys() -> [Key] {
        var keys: [Key] = []
        var ch: wint_t = 0
        while true {
            let result = tfd_get_wch(&ch)
            if result == ERR { break }
            if result == tfd_key_code_yes() {
                if Int32(ch) == tfd_key_resize() {
                    resizePending = true
                } else if Int32(ch) == tfd_key_mouse() {
                    var x: Int32 = 0
                    var y: Int32 = 0
                    let kinds: [Int32: MouseEvent.Kind] = [1: .click, 2: .doubleClick, 4: .wheelUp, 5: .wheelDown]
                    if let kind = kinds[tfd_get_mouse(&x, &y)] { keys.append(.mouse(MouseEvent(kind, x: Int(x), y: Int(y)))) }
                } else {
                    keys.append(TerminalDriver.functionKey(Int32(ch)))
                }
            } else {
                switch ch {
                case 9: keys.append(.tab)
                case 10, 13: keys.append(.enter)
                case 27: keys.append(.escape)
                case 8, 127: keys.append(.backspace)
                default:
                    if let scalar = Unicode.Scalar(UInt32(ch)) { keys.append(.character(Character(scalar))) }
                }
            }
            if keys.count > 256 { break }
        }
        guard ownMouseReports else { return keys }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return mouseReports.decode(keys, at: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
    }

    private var mouseReports = SGRMouseDecoder()

    static func functionKey(_ code: Int32) -> Key {
        switch code {
        case tfd_key_up(): .up
        case tfd_key_down(): .down
        case tfd_key_left(): .left
        case tfd_key_right(): .right
        case tfd_key_npage(): .pageDown
        case tfd_key_ppage(): .pageUp
        case tfd_key_home(): .home
        case tfd_key_end(): .end
        case tfd_key_btab(): .backTab
        case tfd_key_backspace(): .backspace
        default: .other(Int(code))
        }
    }

    public func bell() { tfd_beep() }
    public func flashScreen() { tfd_flash() }

    private var titleShown: String?

    /// The terminal's title (OSC 2), from the program's own words only, reduced to printable ASCII so nothing in
    /// it can end the sequence or act on the terminal. The title in place before is saved first (XTWINOPS push)
    /// and put back on exit.
    public func setTitle(_ text: String) {
        let clean = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(120).map(Character.init))
        guard clean != titleShown else { return }
        if titleShown == nil { writeControl(Array("\u{1B}[22;2t".utf8)) }
        titleShown = clean
        writeControl(Array("\u{1B}]2;\(clean)\u{07}".utf8))
    }

    /// Puts back the title that was there before `setTitle`.
    public func restoreTitle() {
        guard titleShown != nil else { return }
        titleShown = nil
        writeControl(Array("\u{1B}[23;2t".utf8))
    }

    /// Writes a control sequence ncurses does not know (OSC 52) straight to the terminal, after what ncurses
    /// has buffered.
    public func writeControl(_ bytes: [UInt8]) {
        fflush(nil)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// What the last `draw` wrote to the terminal and how long writing it took (nil: not measurable here), and
    /// whether it was the whole frame.
    public private(set) var lastOutput: (bytes: Int, seconds: Double, complete: Bool)?
    private let writtenBytes = WrittenBytes()
    /// What the terminal shows, cell by cell: the last frame, or parts of two when a frame went out in pieces.
    private var shown: [Cell] = []
    private var shownSize: Size?
    /// Where the next piece of a frame that went out in pieces starts.
    private var resumeRow = 0

    /// Copies the cells that changed since what the terminal shows, then lets ncurses update the terminal. Rows
    /// equal to what is shown are skipped whole, and cells are compared in place (no copies): at 400x120 this loop
    /// ran over 48,000 cells a frame and copying them was the dashboard's largest cost.
    ///
    /// - Parameter byteLimit: at most about this many bytes (nil: the whole frame). A data frame over a thin link
    ///   goes out in pieces of whole rows, top first, so a key's frame never waits behind more than one piece;
    ///   the rest goes with the next call. Returns whether the whole frame is now on the terminal.
    @discardableResult
    public func draw(_ canvas: Canvas, byteLimit: Int? = nil) -> Bool {
        let full = shownSize != canvas.size
        if full {
            erase()
            shown = Array(repeating: Cell("\u{0}"), count: canvas.cells.count)
            shownSize = canvas.size
        }
        let width = canvas.size.width
        let height = canvas.size.height
        var estimate = 0
        var complete = true
        // A frame in pieces goes on from the row where the last piece stopped, round the screen: starting at the
        // top each time, rows that keep changing there would keep the bottom from ever being drawn.
        let first = byteLimit == nil || full ? 0 : min(resumeRow, max(0, height - 1))
        resumeRow = 0
        canvas.cells.withUnsafeBufferPointer { now in
            shown.withUnsafeMutableBufferPointer { old in
                for step in 0..<height {
                    let y = (first + step) % height
                    let row = y * width
                    if (row..<(row + width)).allSatisfy({ old[$0] == now[$0] }) { continue }
                    if let byteLimit, !full {
                        // Roughly what the row costs: its changed cells' bytes, a cursor move, a style change each.
                        let cost = TerminalDriver.estimatedBytes(old[row..<(row + width)], now[row..<(row + width)])
                        if estimate > 0, estimate + cost > byteLimit {
                            complete = false
                            resumeRow = y
                            break
                        }
                        estimate += cost
                    }
                    for x in 0..<width {
                        let i = row + x
                        if now[i].isContinuation { continue }
                        // The bottom-right cell is never written: some terminals scroll the whole screen when it is.
                        if y == height - 1, x + max(1, TextWidth.width(of: now[i].text)) >= width { continue }
                        // A cell is rewritten when it changed, or when the wide character after it changed.
                        if old[i] == now[i], !(x + 1 < width && old[i + 1] != now[i + 1] && now[i + 1].isContinuation) {
                            continue
                        }
                        put(now[i], x: x, y: y)
                    }
                    for i in row..<(row + width) { old[i] = now[i] }
                }
            }
        }
        // ncurses writes the whole update in `refresh`, on this thread: the thread's written bytes before and after
        // are what went to the terminal, and a refresh that takes long waited for the link to drain.
        let bytesBefore = writtenBytes.read()
        var started = timespec()
        clock_gettime(CLOCK_MONOTONIC, &started)
        refresh()
        var ended = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ended)
        if let before = bytesBefore, let after = writtenBytes.read() {
            let seconds = Double(ended.tv_sec - started.tv_sec) + Double(ended.tv_nsec - started.tv_nsec) / 1e9
            lastOutput = (max(0, after - before), max(0, seconds), complete)
        } else {
            lastOutput = nil
        }
        return complete
    }

    /// A row's likely cost on the wire: the bytes of its changed cells, and an escape sequence for each run of
    /// them and each change of style.
    static func estimatedBytes(_ old: Slice<UnsafeMutableBufferPointer<Cell>>, _ now: Slice<UnsafeBufferPointer<Cell>>) -> Int {
        var bytes = 8
        var previousStyle: Style?
        var inRun = false
        for (o, n) in zip(old, now) {
            guard o != n else {
                inRun = false
                continue
            }
            if !inRun { bytes += 8 }
            inRun = true
            bytes += max(1, n.text.utf8.count)
            if n.style != previousStyle { bytes += 12 }
            previousStyle = n.style
        }
        return bytes
    }

    /// Reads the window size from the terminal and tells ncurses; our SIGWINCH handler replaces ncurses' own,
    /// so this is where LINES and COLS change.
    public func adoptWindowSize() {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return }
        resizeterm(Int32(size.ws_row), Int32(size.ws_col))
        invalidate()
    }

    /// Forces a full redraw on the next frame (after a resize).
    public func invalidate() {
        shownSize = nil
    }

    /// Outside a UTF-8 locale, the typographic characters the screen uses become their one-cell ASCII look-alikes
    /// (so `a · b` reads `a . b`, not `a ? b`); anything else is `?`.
    static func asciiFallback(_ value: UInt32) -> UInt32 {
        switch value {
        case 0xB7, 0x2026: 0x2E  // · …  → .
        case 0x2013, 0x2014, 0x2500: 0x2D  // – — ─ → -
        case 0x2502: 0x7C  // │ → |
        case 0x2588, 0x25CF: 0x23  // █ ● → #
        case 0x2265, 0x2192, 0x25BC: 0x3E  // ≥ → ▼ → >
        case 0x2190: 0x3C  // ← → <
        case 0x2713: 0x2B  // ✓ → +
        default: 0x3F
        }
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        let (attrs, pair) = attributes(cell.style)
        // At most four code points and the terminating zero, on the stack: this runs for every changed cell.
        withUnsafeTemporaryAllocation(of: wchar_t.self, capacity: 5) { chars in
            var count = 0
            for scalar in cell.text.unicodeScalars.prefix(4) {
                chars[count] = wchar_t(bitPattern: asciiOnly && scalar.value > 0x7E ? TerminalDriver.asciiFallback(scalar.value) : scalar.value)
                count += 1
            }
            if count == 0 {
                chars[0] = 0x20
                count = 1
            }
            chars[count] = 0
            _ = tfd_put_cell(Int32(y), Int32(x), chars.baseAddress!, attrs, pair)
        }
    }

    private func attributes(_ style: Style) -> (attr_t, Int32) {
        var attrs = tfd_a_normal()
        if style.bold { attrs |= tfd_a_bold() }
        if style.dim { attrs |= tfd_a_dim() }
        if style.reverse { attrs |= tfd_a_reverse() }
        if style.underline { attrs |= tfd_a_underline() }
        guard colorsAvailable, style.fg != .default || style.bg != .default else { return (attrs, 0) }
        let fg = TerminalDriver.number(style.fg), bg = TerminalDriver.number(style.bg)
        let key = Int64(fg) << 32 | Int64(UInt32(bitPattern: bg))
        if let known = pairs[key] { return (attrs | known.extra, known.pair) }
        // Terminals with 8 colours cannot show the bright half; fold it onto the normal colours plus bold.
        let colors = tfd_colors()
        var f = fg, b = bg
        var extra = tfd_a_normal()
        if f >= colors, f < 16 { f -= 8; extra |= tfd_a_bold() }
        if b >= colors, b < 16 { b -= 8 }
        guard nextPair < min(tfd_color_pairs(), 32767) else { return (attrs | extra, 0) }
        let pair = nextPair
        nextPair += 1
        _ = tfd_init_pair(pair, f, b)
        pairs[key] = (pair, extra)
        return (attrs | extra, pair)
    }

    static func number(_ color: TermColor) -> Int32 {
        switch color {
        case .default: -1
        case .ansi(let n), .indexed(let n): Int32(n)
        // Only a direct-colour terminal gets these (the theme was degraded to the terminal's depth).
        case .rgb(let r, let g, let b): Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        }
    }
}

/// The bytes this thread has written (`wchar` of `/proc/thread-self/io`): around `refresh`, exactly what ncurses
/// sent to the terminal, without standing between ncurses and its terminal.
final class WrittenBytes {
    private let fd: Int32

    init() {
        fd = open("/proc/thread-self/io", O_RDONLY | O_CLOEXEC)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    func read() -> Int? {
        guard fd >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        // `rchar: N\nwchar: N\n…`
        let text = buffer[0..<count]
        guard let start = text.firstRange(of: Array("wchar: ".utf8))?.upperBound else { return nil }
        var value = 0
        for byte in text[start...] {
            guard byte >= 0x30, byte <= 0x39 else { break }
            value = value &* 10 &+ Int(byte - 0x30)
        }
        return value
    }
}
