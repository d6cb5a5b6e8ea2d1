import TFDriftWire

/// The one gate through which every server string enters the store.
///
/// Server data ends up on an operator's terminal, so anything that a terminal would interpret is
/// neutralised here: C0/C1 control characters (ESC starts escape sequences, CR rewrites a line) become
/// visible control pictures, bidirectional overrides (U+202E can make `evil.exe` read as `exe.live`)
/// and invisible formatting characters become U+FFFD, and line breaks become spaces because every
/// field is shown on one line. Overlong strings are cut so one hostile field cannot fill memory.
public enum Sanitizer {
    /// Default cap, in UTF-8 bytes of the cleaned text (so memory per field is bounded whatever the script).
    public static let maximumCharacters = 1024

    public static func clean(_ text: String, limit: Int = maximumCharacters) -> String {
        // A credential echoed back by a server or a proxy is hidden before anything else sees it.
        let text = Secrets.redact(text)
        if isPlainASCII(text, limit: limit) { return text }
        var out = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            let replacement: Unicode.Scalar
            switch scalar.value {
            case 0x09, 0x0A, 0x0D, 0x2028, 0x2029, 0x85:
                replacement = " "
            case 0x00..<0x20:
                // U+2400 CONTROL PICTURES: ␛ for ESC, ␀ for NUL; shown, never interpreted.
                replacement = Unicode.Scalar(0x2400 + scalar.value)!
            case 0x7F:
                replacement = "\u{2421}"
            case let v where TerminalSafety.isUnsafe(v):
                replacement = "\u{FFFD}"
            default:
                replacement = scalar
            }
            let size = UTF8.width(replacement)
            if bytes + size > limit {
                out.append("…")
                break
            }
            bytes += size
            out.append(replacement)
        }
        return String(out)
    }

    /// `clean` for text the caller has proven to be printable ASCII (the direct decoder's fields): only
    /// credentials to hide and the length to cap, without looking at every byte again.
    public static func clean(plainASCII text: String, limit: Int) -> String {
        let redacted = Secrets.redact(text)
        return redacted.utf8.count <= limit ? redacted : clean(text, limit: limit)
    }

    /// Fast path: printable ASCII within the limit needs no work.
    static func isPlainASCII(_ text: String, limit: Int) -> Bool {
        guard text.utf8.count <= limit else { return false }
        // Native strings are contiguous: a loop over the buffer is several times faster than the UTF-8 view's.
        if let plain = text.utf8.withContiguousStorageIfAvailable({ bytes in
            for byte in bytes where byte < 0x20 || byte > 0x7E { return false }
            return true
        }) {
            return plain
        }
        for byte in text.utf8 where byte < 0x20 || byte > 0x7E { return false }
        return true
    }
}
