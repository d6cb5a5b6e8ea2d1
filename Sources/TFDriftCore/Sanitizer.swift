/// The one gate through which every server string enters the store.
///
/// Server data ends up on an operator's terminal, so anything that a terminal would interpret is
/// neutralised here: C0/C1 control characters (ESC starts escape sequences, CR rewrites a line) become
/// visible control pictures, bidirectional overrides (U+202E can make `evil.exe` read as `exe.live`)
/// and invisible formatting characters become U+FFFD, and line breaks become spaces because every
/// field is shown on one line. Overlong strings are cut so one hostile field cannot fill memory.
public enum Sanitizer {
    public static let maximumCharacters = 1024

    public static func clean(_ text: String, limit: Int = maximumCharacters) -> String {
        if isPlainASCII(text, limit: limit) { return text }
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                out.append("…")
                break
            }
            count += 1
            switch scalar.value {
            case 0x09, 0x0A, 0x0D, 0x2028, 0x2029, 0x85:
                out.append(" ")
            case 0x00..<0x20:
                // U+2400 CONTROL PICTURES: ␛ for ESC, ␀ for NUL; shown, never interpreted.
                out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F:
                out.append("\u{2421}")
            case 0x80..<0xA0,
                0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0x061C, 0xFEFF,
                0xFFF9...0xFFFB, 0xE0000...0xE007F:
                out.append("\u{FFFD}")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Fast path: printable ASCII within the limit needs no work.
    static func isPlainASCII(_ text: String, limit: Int) -> Bool {
        var n = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte > 0x7E { return false }
            n += 1
            if n > limit { return false }
        }
        return true
    }
}
