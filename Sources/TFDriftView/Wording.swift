import TFDriftCore

/// Sentences for people, kept out of the store: the store says what happened, the view (and `tail`) say it.
public enum Wording {
    /// Why the client stopped retrying and what to do; `retryKey` adds the dashboard's key.
    public static func stopReason(_ reason: StopReason, retryKey: Bool) -> String {
        let retry = retryKey ? "; press r to retry" : ""
        switch reason {
        case .unauthorized(let credential?):
            return "HTTP 401 on upgrade: the server refused the \(credential); check that token (or --auth-scheme)" + retry
        case .unauthorized(nil):
            return "HTTP 401 on upgrade: the server wants credentials; put a token in a file and give --token-file (or TFDRIFT_TOKEN)" + retry
        case .forbidden(let credential):
            let sent = credential.map { "the \($0) was accepted as identity but " } ?? ""
            return "HTTP 403 on upgrade: \(sent)forbidden; check the token's rights, and the Origin (--origin) against the server's ALLOWED_ORIGINS" + retry
        case .certificate(let advice):
            return "TLS: \(advice)" + retry
        case .proxy(let advice):
            return advice + retry
        case .gaveUp(let retries, let lastError):
            return "gave up after \(retries) retries: \(lastError)" + retry
        }
    }

    /// The server's answer in words: its error text is the server's reply, not a client failure.
    public static func queryAnswer(_ answer: QueryExchange.Answer) -> (String, Role) {
        switch answer {
        case .error(let text): ("server answered: \(text)", .text)
        case .reply(let type): ("server answered with a \"\(type)\" message", .text)
        case .none: ("no answer within \(Int(Palette.queryTimeout)) s (the documented API defines none)", .dim)
        }
    }

    /// The status bar's confirmation of what the operator just did.
    public static func noticeText(_ notice: Notice) -> (String, Role) {
        switch notice.kind {
        // Sent, not "copied": whether the terminal (or tmux, with set-clipboard off) took it cannot be known here.
        case .copied(let bytes): ("sent \(Format.count(bytes)) bytes of JSON to the terminal's clipboard (OSC 52; tfdrift-tui doctor checks tmux)", .statusGood)
        case .copiedToTmux(let bytes): ("copied \(Format.count(bytes)) bytes of JSON to tmux's paste buffer (prefix ] pastes; tmux forwards it to the terminal's clipboard where set-clipboard lets it)", .statusGood)
        case .nothingSelected: ("nothing selected", .statusWarn)
        case .exported(let path, let lines): ("exported \(Format.count(lines)) lines to \(path)", .statusGood)
        case .exportFailed(let path, let reason): ("export to \(path) failed: \(reason)", .statusBad)
        case .queryAnswered(let answer): (queryAnswer(answer).0, .statusGood)
        case .theme(let name): ("theme \(name)", .statusGood)
        case .unknownTheme(let name, let known): ("no theme \"\(name)\"; known: \(known.joined(separator: ", "))", .statusBad)
        case .nothingToRetry(let links):
            (links == 1 ? "the link is up (or connecting): r reconnects a link that is down" : "every link is up or connecting: r reconnects the ones that are down", .statusWarn)
        case .retrying(let links): (links == 1 ? "reconnecting now" : "reconnecting \(links) links now", .statusGood)
        }
    }
}
