import TFDriftCore
import TFDriftWire

/// Small formatting helpers shared by the widgets. Every number may come from a server, so none of them
/// converts with `Int(_:)`; durations are shown up to `longest` (over 31 years) and clamped beyond.
public enum Format {
    static let longest = 999_999_999

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
        let tenths = Checked.clamped((v * 10).rounded(), to: 0...Int(Int32.max))
        return tenths % 10 == 0 || tenths >= 1000 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }

    /// Seconds → `1:02:03`, `12:03`, or `3d 04:05:06` for a long-running screen.
    public static func duration(_ seconds: Double) -> String {
        let (d, h, m, s) = parts(seconds)
        if d > 0 { return "\(d)d \(two(h)):\(two(m)):\(two(s))" }
        if h > 0 { return "\(h):\(two(m)):\(two(s))" }
        return "\(two(m)):\(two(s))"
    }

    /// Milliseconds, for round-trip times: `12`.
    public static func milliseconds(_ seconds: Double) -> String {
        String(Checked.clamped((seconds * 1000).rounded(), to: 0...longest))
    }

    /// An age in words a room reads at a glance: `45s`, `2m 10s`, `3h 05m`, `2d 04h`.
    public static func age(_ seconds: Double) -> String {
        let (d, h, m, s) = parts(seconds)
        if d > 0 { return "\(d)d \(two(h))h" }
        if h > 0 { return "\(h)h \(two(m))m" }
        if m > 0 { return "\(m)m \(two(s))s" }
        return "\(s)s"
    }

    /// Whole days, hours, minutes and seconds of a span (never negative, never trapping).
    static func parts(_ seconds: Double) -> (Int, Int, Int, Int) {
        let total = Checked.clamped(seconds.rounded(.down), to: 0...longest)
        return (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60)
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }

    /// Whole seconds, rounded up, for countdowns: `7s`.
    public static func countdown(_ seconds: Double) -> String {
        "\(Checked.clamped(seconds.rounded(.up), to: 0...longest))s"
    }

    /// `CRIT`, `HIGH`, `MED`: a severity in the four cells a list gives it.
    static func severityTag(_ severity: Severity) -> String {
        switch severity {
        case .critical: "CRIT"
        case .high: "HIGH"
        case .medium: "MED"
        case .low: "LOW"
        case .warning: "WARN"
        case .info: "INFO"
        case .other(let s): String(s.uppercased().prefix(4))
        }
    }
}
