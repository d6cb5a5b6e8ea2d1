/// The problem log: what went wrong, for the status bar, `tail`'s error lines and the diagnostics view.
enum Problems {
    /// Records a problem (`message` already sanitised) of `server` (nil: the program's own, such as a config file);
    /// with several servers it names the server. `asLastError` also makes it the status bar's last error; else only
    /// the diagnostics view keeps it (the status bar already shows why the link closed and what REST said).
    static func record(_ state: inout State, _ source: Problem.Source, _ message: String, server: Int?, asLastError: Bool = true) {
        let origin = state.isMultiServer ? server : nil
        let text = origin.map { "\(state.serverName($0)): \(message)" } ?? message
        if asLastError {
            state.diagnostics.lastError = text
            state.diagnostics.lastErrorAt = state.now
        }
        state.diagnostics.problems.append(Problem(at: state.now, source: source, message: text, server: origin))
    }
}

extension State {
    /// A configuration or theme problem (already worded with its file and line), for the status bar and `tail`.
    public mutating func noteConfigurationProblem(_ message: String) {
        diagnostics.configProblems += 1
        Problems.record(&self, .config, Sanitizer.clean(message, limit: 300), server: nil)
    }
}
