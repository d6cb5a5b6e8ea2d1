/// What this binary is: the same words in `--version`, `doctor`, a recording's header and the log's `started` line.
public enum BuildInfo {
    public static let version = GeneratedBuildInfo.version
    /// The commit of the checkout it was built from (`+dirty` with uncommitted changes), or `unknown`.
    public static let commit = GeneratedBuildInfo.commit
    public static let date = GeneratedBuildInfo.date

    public static var swiftVersion: String {
        #if compiler(>=6.4)
            "6.4 or later"
        #elseif compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #else
            "6.1"
        #endif
    }

    /// `tfdrift-tui 0.2.0`
    public static var program: String { "tfdrift-tui \(version)" }

    /// `tfdrift-tui 0.2.0 (commit 4464999abcde, built 2026-12-06, Swift 6.3)`
    public static var line: String { "\(program) (commit \(commit), built \(date), Swift \(swiftVersion))" }
}
