/// The problem log: what went wrong, for the status bar, `tail`'s error lines and the diagnostics view.
enum Problems {
    /// Records a problem of `server` (nil: the program's own, such as a config file); with several servers it
    /// keeps which. `asLastError` also makes it the status bar's last error; else only the diagnostics view keeps
    /// it (the status bar already shows why the link closed and what REST said).
    static func record(_ state: inout State, _ kind: Problem.Kind, server: Int?, asLastError: Bool = true) {
        let problem = Problem(at: state.now, kind, server: state.isMultiServer ? server : nil)
        if asLastError { state.diagnostics.lastError = problem }
        state.diagnostics.problems.append(problem)
    }
}

extension State {
    /// A configuration or theme problem (already worded with its file and line), for the status bar and `tail`.
    public mutating func noteConfigurationProblem(_ message: String) {
        diagnostics.configProblems += 1
        Problems.record(&self, .configuration(Sanitizer.clean(message, limit: 300)), server: nil)
    }
}
