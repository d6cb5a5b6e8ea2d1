import TFDriftCore

/// Sentences for people, kept out of the store: the store says what happened, the view (and `tail`) say it.
public enum Wording {
    /// Why the client stopped retrying and what to do; `retryKey` adds the dashboard's key.
    public static func stopReason(_ reason: StopReason, retryKey: Bool) -> String {
        let retry = retryKey ? "; press r to retry" : ""
        switch reason {
        case .unauthorized:
            return "HTTP 401 on upgrade: the server wants credentials (set a token with --header)" + retry
        case .forbidden:
            return "HTTP 403 on upgrade: forbidden; check credentials, and that no Origin is sent or it is in ALLOWED_ORIGINS" + retry
        case .gaveUp(let retries, let lastError):
            return "gave up after \(retries) retries: \(lastError)" + retry
        }
    }
}
