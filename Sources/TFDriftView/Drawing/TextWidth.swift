/// Terminal display width of text, in cells, measured with the rules the terminal itself uses (glibc's
/// `wcwidth`, see `WidthTable`): `東京✓😀` is 7 cells but 4 characters.
///
/// Where terminals disagree on a character's width — unprintable and unassigned code points, joiners and
/// other zero-width characters outside combining marks, emoji sequences (ZWJ, variation selectors, skin tones),
/// regional indicators — the character is *disputed*: it is drawn as U+FFFD in one cell, so no row can ever
/// run past its rectangle, whatever a server sends.
public enum TextWidth {
    public static let replacement: Character = "\u{FFFD}"

    /// Cells `character` takes, or nil when it is disputed and must be drawn as `replacement`.
    public static func measured(_ character: Character) -> Int? {
        var scalars = character.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return nil }
        let v = first.value
        if v >= 0x20, v < 0x7F {
            return extraScalarsAreMarks(&scalars) ? 1 : nil
        }
        let base = width(ofScalar: v)
        guard base > 0, !isDisputed(v), extraScalarsAreMarks(&scalars) else { return nil }
        return base
    }

    /// The text a cell shows for `character`: itself, or the replacement when it is disputed.
    public static func shown(_ character: Character) -> (text: String, width: Int) {
        if let w = measured(character) { return (String(character), w) }
        return (String(replacement), 1)
    }

    public static func width(of character: Character) -> Int { measured(character) ?? 1 }

    public static func width(of text: some StringProtocol) -> Int {
        var total = 0
        for byte in text.utf8 where byte < 0x20 || byte >= 0x7F {
            for ch in text { total += width(of: ch) }
            return total
        }
        return text.utf8.count
    }

    /// glibc's width of one code point: -1 unprintable, 0, 1 or 2.
    static func width(ofScalar v: UInt32) -> Int {
        if v < 0x7F { return v < 0x20 ? -1 : 1 }
        if contains(WidthTable.unprintable, v) { return -1 }
        if contains(WidthTable.zero, v) { return 0 }
        return contains(WidthTable.wide, v) ? 2 : 1
    }

    /// Single code points terminals draw differently from what `wcwidth` says: regional indicators (a pair is a
    /// flag of two cells on some terminals, one letter on others) and emoji skin-tone modifiers.
    static func isDisputed(_ v: UInt32) -> Bool {
        (0x1F1E6...0x1F1FF).contains(v) || (0x1F3FB...0x1F3FF).contains(v)
    }

    /// Whether the rest of a cluster is only combining marks, which every terminal stacks on the base cell.
    /// Anything else (ZWJ, variation selectors, a second base) makes the cluster's width a matter of opinion.
    static func extraScalarsAreMarks(_ scalars: inout String.UnicodeScalarView.Iterator) -> Bool {
        var count = 0
        while let next = scalars.next() {
            count += 1
            let v = next.value
            // Variation selectors are marks by category, but VS16 turns text into two-cell emoji on some terminals.
            guard count <= 4, width(ofScalar: v) == 0, !(0xFE00...0xFE0F).contains(v), !(0xE0100...0xE01EF).contains(v)
            else { return false }
            switch next.properties.generalCategory {
            case .nonspacingMark, .enclosingMark: continue
            default: return false
            }
        }
        return true
    }

    static func contains(_ ranges: [ClosedRange<UInt32>], _ v: UInt32) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if v < ranges[mid].lowerBound {
                high = mid - 1
            } else if v > ranges[mid].upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }

    /// The longest prefix of `text` that fits in `cells`, ending with `…` when something was cut.
    public static func truncate(_ text: String, to cells: Int) -> String {
        guard cells > 0 else { return "" }
        if width(of: text) <= cells { return text }
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            // Printable ASCII: a byte is a cell.
            return String(decoding: text.utf8.prefix(cells - 1), as: UTF8.self) + "…"
        }
        var out = ""
        var used = 0
        for ch in text {
            let w = width(of: ch)
            if used + w > cells - 1 { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }

    /// The longest suffix of `text` that fits in `cells`, starting with `…` when something was cut: the end of
    /// a line being typed is where the cursor is.
    public static func truncateFront(_ text: String, to cells: Int) -> String {
        guard cells > 0 else { return "" }
        if width(of: text) <= cells { return text }
        var kept: [Character] = []
        var used = 0
        for ch in text.reversed() {
            let w = width(of: ch)
            if used + w > cells - 1 { break }
            kept.append(ch)
            used += w
        }
        return "…" + String(kept.reversed())
    }

    /// The start and the end of `text` with `…` between, in `cells`: for addresses and paths, whose end (the
    /// port and `/ws`, the file name) says as much as their start.
    public static func truncateMiddle(_ text: String, to cells: Int) -> String {
        guard cells > 0 else { return "" }
        if width(of: text) <= cells { return text }
        guard cells >= 5 else { return truncate(text, to: cells) }
        let tail = (cells - 1) / 2
        let head = truncate(text, to: cells - tail)  // ends with `…`
        return head + String(truncateFront(text, to: tail + 1).dropFirst())
    }

    /// `text` truncated or padded with spaces to exactly `cells` cells.
    public static func fit(_ text: String, _ cells: Int, alignRight: Bool = false) -> String {
        let cut = truncate(text, to: cells)
        let w = width(of: cut)
        guard w < cells else { return cut }
        let pad = String(repeating: " ", count: cells - w)
        return alignRight ? pad + cut : cut + pad
    }
}
