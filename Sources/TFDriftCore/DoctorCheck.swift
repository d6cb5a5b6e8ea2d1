/// One line of `tfdrift-tui doctor`: what was checked, how it went, and what to do when it went wrong.
public struct DoctorCheck: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        case good
        case bad
        /// Not a problem, not a pass: skipped or only worth knowing (`NO_COLOR` set, not in a terminal).
        case note
    }

    public var verdict: Verdict
    public var what: String
    /// The fix, for a bad verdict.
    public var fix: String?

    public init(_ verdict: Verdict, _ what: String, fix: String? = nil) {
        self.verdict = verdict
        self.what = what
        self.fix = fix
    }

    public static func good(_ what: String) -> DoctorCheck { DoctorCheck(.good, what) }
    public static func bad(_ what: String, fix: String) -> DoctorCheck { DoctorCheck(.bad, what, fix: fix) }
    public static func note(_ what: String) -> DoctorCheck { DoctorCheck(.note, what) }

    /// `  ✓ what` / `  ✗ what — fix: …` / `  · what`, cleaned: much of it is the server's or a file's text.
    public var line: String {
        let mark = switch verdict {
        case .good: "✓"
        case .bad: "✗"
        case .note: "·"
        }
        let text = Sanitizer.clean(what, limit: 400) + (fix.map { " — fix: " + Sanitizer.clean($0, limit: 400) } ?? "")
        return "  \(mark) \(text)"
    }
}
