import TFDriftCore
/// A colour as a theme names it: the terminal's default, one of the 16 colours every terminal has (so the look
/// follows the user's own palette), an entry of the 256-colour palette, or a true colour. `ColorDepth` maps the
/// last two down to what the terminal can show.
public enum TermColor: Hashable, Sendable {
    case `default`
    /// 0–15.
    case ansi(UInt8)
    /// 16–255 of the xterm 256-colour palette.
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    public static let black = TermColor.ansi(0), red = TermColor.ansi(1), green = TermColor.ansi(2),
        yellow = TermColor.ansi(3), blue = TermColor.ansi(4), magenta = TermColor.ansi(5), cyan = TermColor.ansi(6),
        white = TermColor.ansi(7), brightBlack = TermColor.ansi(8), brightRed = TermColor.ansi(9),
        brightGreen = TermColor.ansi(10), brightYellow = TermColor.ansi(11), brightBlue = TermColor.ansi(12),
        brightMagenta = TermColor.ansi(13), brightCyan = TermColor.ansi(14), brightWhite = TermColor.ansi(15)
}

public struct Style: Hashable, Sendable {
    public var fg: TermColor
    public var bg: TermColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(
        fg: TermColor = .default, bg: TermColor = .default, bold: Bool = false, dim: Bool = false,
        reverse: Bool = false, underline: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()

    public func with(reverse: Bool = false, bold: Bool? = nil) -> Style {
        var s = self
        if reverse { s.reverse.toggle() }
        if let bold { s.bold = bold }
        return s
    }
}

public struct Cell: Equatable, Sendable {
    /// One grapheme; empty for the second cell of a wide character.
    public var text: String
    public var style: Style

    public init(_ text: String = " ", style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public var isContinuation: Bool { text.isEmpty }
}

public struct Size: Equatable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

public struct Rect: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }
}

/// A part of the screen a click can land on: a pane, or one item of it.
public struct HitRegion: Equatable, Sendable {
    public var rect: Rect
    public var pane: Pane
    /// The item's sequence number; nil for the pane itself.
    public var seq: Int?

    public init(rect: Rect, pane: Pane, seq: Int? = nil) {
        self.rect = rect
        self.pane = pane
        self.seq = seq
    }
}

/// A grid of styled cells: what a frame looks like, before any terminal is involved.
/// Drawing clips to the canvas and to the given width, so long data can never overwrite a border.
public struct Canvas: Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// What was drawn where, for the mouse: each pane's rectangle, then each item row in it (later entries win).
    public var hitRegions: [HitRegion] = []

    /// The innermost region at a cell: an item row if one was drawn there, else its pane.
    public func hit(x: Int, y: Int) -> HitRegion? {
        hitRegions.last { $0.rect.x <= x && x < $0.rect.maxX && $0.rect.y <= y && y < $0.rect.maxY }
    }

    public init(size: Size, style: Style = .plain) {
        self.size = size
        self.cells = Array(repeating: Cell(" ", style: style), count: max(0, size.width * size.height))
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * size.width + x]
    }

    public mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
        cells[y * size.width + x] = cell
    }

    /// Writes `text` from (x, y), at most `maxWidth` cells; returns the cells used.
    /// A wide character that would straddle the limit is replaced by a space. This is the screen's output gate:
    /// every character is measured as the terminal measures it, and anything a terminal would act on or draw
    /// at a width of its own choosing (controls, bidi overrides, emoji sequences) becomes U+FFFD.
    @discardableResult
    public mutating func draw(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < size.height else { return 0 }
        let limit = min(maxWidth ?? Int.max, size.width - x)
        guard limit > 0 else { return 0 }
        // Most of a screen is printable ASCII: one cell per byte, no grapheme breaking or width lookup
        // (measured: half of a 400x120 frame's rendering went to measuring characters).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            var used = 0
            for byte in text.utf8 {
                guard used < limit else { break }
                if x + used >= 0 { set(x + used, y, Cell(String(Unicode.Scalar(byte)), style: style)) }
                used += 1
            }
            return used
        }
        var used = 0
        for ch in text {
            let (shown, w) = TextWidth.shown(ch)
            if used + w > limit {
                if used < limit { set(x + used, y, Cell(" ", style: style)); used += 1 }
                break
            }
            if x + used >= 0 {
                set(x + used, y, Cell(shown, style: style))
                if w == 2 { set(x + used + 1, y, Cell("", style: style)) }
            }
            used += w
        }
        return used
    }

    public mutating func fill(_ rect: Rect, style: Style, character: String = " ") {
        for y in max(0, rect.y)..<min(size.height, rect.maxY) {
            for x in max(0, rect.x)..<min(size.width, rect.maxX) {
                set(x, y, Cell(character, style: style))
            }
        }
    }

    /// The screen as plain text, one line per row, trailing spaces kept: what tests compare.
    public var text: String {
        var lines: [String] = []
        lines.reserveCapacity(size.height)
        for y in 0..<size.height {
            var line = ""
            for x in 0..<size.width {
                line += self[x, y].text
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// One row as text, for assertions.
    public func row(_ y: Int) -> String {
        (0..<size.width).map { self[$0, y].text }.joined()
    }
}
