/// The problem log: what went wrong, for the status bar, `tail`'s error lines and the diagnostics view.
enum Problems {
    /// Records a problem; `message` is already sanitised.
    static func note(_ state: inout State, _ source: Problem.Source, _ message: String) {
        let message = attributed(state, message)
        state.diagnostics.lastError = message
        state.diagnostics.lastErrorAt = state.now
        state.diagnostics.problems.append(Problem(at: state.now, source: source, message: message, server: origin(state)))
    }

    /// Records what failed without making it the status bar's last error: the status bar already shows why the
    /// link closed and what REST said; the diagnostics view keeps the history.
    static func log(_ state: inout State, _ source: Problem.Source, _ message: String) {
        state.diagnostics.problems.append(Problem(at: state.now, source: source, message: attributed(state, message), server: origin(state)))
    }

    static func origin(_ state: State) -> Int? { state.isMultiServer ? state.acting : nil }

    /// With several servers a problem names the server it came from.
    static func attributed(_ state: State, _ message: String) -> String {
        guard state.isMultiServer, let acting = state.acting else { return message }
        return "\(state.serverName(acting)): \(message)"
    }

    /// Data that arrived but could not be believed (a total of 1e300, a negative page): counted as malformed.
    static func malformed(_ state: inout State, _ source: Problem.Source, _ message: String) {
        state.diagnostics.malformed += 1
        note(&state, source, message)
    }
}

extension State {
    /// A configuration or theme problem (already worded with its file and line), for the status bar and `tail`.
    public mutating func noteConfigurationProblem(_ message: String) {
        diagnostics.configProblems += 1
        Problems.note(&self, .config, Sanitizer.clean(message, limit: 300))
    }
}
