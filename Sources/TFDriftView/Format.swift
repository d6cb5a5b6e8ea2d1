/// Small formatting helpers shared by the widgets.
public enum Format {
    /// `12345` → `12,345`.
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// `1234567` → `1.2M`, for tight spaces.
    public static func compact(_ n: Int) -> String {
        switch n {
        case ..<10_000: return String(n)
        case ..<1_000_000: return String(format1(Double(n) / 1000)) + "k"
        default: return String(format1(Double(n) / 1_000_000)) + "M"
        }
    }

    static func format1(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return tenths % 10 == 0 || tenths >= 1000 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }

    /// Seconds → `1:02:03`, `12:03`, or `3d 04:05:06` for a long-running screen.
    public static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        let d = total / 86_400, h = total / 3600 % 24, m = total / 60 % 60, s = total % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        if d > 0 { return "\(d)d \(two(h)):\(two(m)):\(two(s))" }
        if h > 0 { return "\(h):\(two(m)):\(two(s))" }
        return "\(two(m)):\(two(s))"
    }

    /// Whole seconds, rounded up, for countdowns: `7s`.
    public static func countdown(_ seconds: Double) -> String {
        "\(max(0, Int(seconds.rounded(.up))))s"
    }
}
