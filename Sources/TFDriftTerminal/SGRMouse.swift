import TFDriftCore

/// Mouse reports in xterm's SGR mode (1006): `ESC [ < button ; column ; row M` (press) or `m` (release), decimal
/// and 1-based, so any column of a 400-column wall screen can be reported (the older X10 encoding stops at 223).
///
/// ncurses decodes them itself only where the terminfo entry says the terminal speaks them (`kmous=\E[<`, xterm's);
/// inside tmux and screen it expects X10. There the driver switches SGR on itself and this decoder picks the reports
/// out of the keys ncurses hands over unrecognised, one character at a time. Anything that is not a whole report
/// goes on as the keys it was: an Escape typed alone is still Escape.
public struct SGRMouseDecoder: Sendable {
    /// An Escape, then `[`, `<`, digits and `;`, waiting for the report's end.
    private var pending: [Key] = []
    private var lastClick: (x: Int, y: Int, at: Double)?
    /// Two presses on one cell within this many seconds are a double click (ncurses' default interval is 1/6 s,
    /// short for a war-room trackpad).
    public static let doubleClickSeconds = 0.4
    /// Longer than any report of a screen up to 99,999 cells either way.
    static let longestReport = 24

    public init() {}

    /// The keys with each whole report replaced by its mouse event (or by nothing: releases, motion, other
    /// buttons). A report cut at the end of `keys` waits for the next call; a lone Escape does not.
    public mutating func decode(_ keys: [Key], at: Double) -> [Key] {
        var out: [Key] = []
        for key in keys { feed(key, at: at, into: &out) }
        if pending.count <= 2 {
            out += pending
            pending = []
        }
        return out
    }

    private mutating func feed(_ key: Key, at: Double, into out: inout [Key]) {
        switch (pending.count, key) {
        case (0, .escape):
            pending = [key]
        case (0, _):
            out.append(key)
        case (1, .character("[")), (2, .character("<")):
            pending.append(key)
        case (3..., .character(let c)) where (c.isASCII && c.isNumber || c == ";") && pending.count < SGRMouseDecoder.longestReport:
            pending.append(key)
        case (3..., .character(let c)) where c == "M" || c == "m":
            let report = pending.dropFirst(3).compactMap { if case .character(let c) = $0 { c } else { nil } }
            pending = []
            if let event = event(String(report), pressed: c == "M", at: at) { out.append(.mouse(event)) }
        default:
            // Not a report: what was held goes on as typed, and this key is looked at afresh.
            let held = pending
            pending = []
            out += held
            feed(key, at: at, into: &out)
        }
    }

    private mutating func event(_ fields: String, pressed: Bool, at: Double) -> MouseEvent? {
        let numbers = fields.split(separator: ";", omittingEmptySubsequences: false).map { $0.count <= 5 ? Int($0) : nil }
        guard numbers.count == 3, let button = numbers[0], let column = numbers[1], let row = numbers[2],
            column >= 1, row >= 1, pressed else { return nil }
        let x = column - 1, y = row - 1
        // Bit 6: the wheel (0 up, 1 down); bit 5: motion; bits 2–4: Shift, Meta, Control.
        if button & 64 != 0 { return MouseEvent(button & 1 == 0 ? .wheelUp : .wheelDown, x: x, y: y) }
        guard button & ~0b11100 == 0 else { return nil }  // the left button pressed, nothing else
        if let last = lastClick, last.x == x, last.y == y, at - last.at <= SGRMouseDecoder.doubleClickSeconds {
            lastClick = nil
            return MouseEvent(.doubleClick, x: x, y: y)
        }
        lastClick = (x, y, at)
        return MouseEvent(.click, x: x, y: y)
    }
}
