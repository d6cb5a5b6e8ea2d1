/// Which characters a terminal would act on rather than show: the one definition used by the sanitiser
/// (at ingress) and by every output sink (screen, `tail` text and NDJSON, stderr) as a last line of defence.
public enum TerminalSafety {
    /// C0 controls, DEL and C1 controls: ESC starts escape sequences, CR rewrites a line, C1 CSI (U+009B)
    /// starts one on terminals that take 8-bit controls.
    @inline(__always) public static func isControl(_ v: UInt32) -> Bool {
        v < 0x20 || (0x7F..<0xA0).contains(v)
    }

    /// Bidirectional overrides and isolates (U+202E can make `evil.exe` read as `exe.live`), line and paragraph
    /// separators, and invisible formatting characters that hide text or shift what follows.
    @inline(__always) public static func isInvisibleOrBidi(_ v: UInt32) -> Bool {
        switch v {
        case 0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069,
            0xFEFF, 0xFFF9...0xFFFB, 0xE0000...0xE007F:
            return true
        default:
            return false
        }
    }

    @inline(__always) public static func isUnsafe(_ v: UInt32) -> Bool { isControl(v) || isInvisibleOrBidi(v) }

    /// Whether `text` can be written to a terminal as it is.
    public static func isClean(_ text: some StringProtocol) -> Bool {
        for byte in text.utf8 where byte < 0x20 || byte >= 0x7F {
            return !text.unicodeScalars.contains { isUnsafe($0.value) }
        }
        return true
    }
}
