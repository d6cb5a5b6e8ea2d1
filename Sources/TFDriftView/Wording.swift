import TFDriftCore
import TFDriftWire

/// Sentences for people, kept out of the store: the store says what happened, the view (and `tail`) say it.
public enum Wording {
    /// Why the client stopped retrying and what to do; `retryKey` adds the dashboard's key.
    public static func stopReason(_ reason: StopReason, retryKey: Bool) -> String {
        let retry = retryKey ? Hints.retry.text.map { "; press \($0)" } ?? "" : ""
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

    /// `REPLAY 30× 02:14:07 (43%)`, then PAUSED, END or where a damaged recording stopped.
    static func replay(_ replay: ReplayStatus, utcOffset offset: Int) -> (text: String, role: Role) {
        let speed = replay.speed.map { speed in
            let tenths = Checked.clamped((speed * 10).rounded(), to: 0...10_000_000)
            return tenths % 10 == 0 ? "\(Format.count(tenths / 10))×" : "\(tenths / 10).\(tenths % 10)×"
        } ?? "max"
        let percent = Checked.clamped((replay.fraction * 100).rounded(.down), to: 0...100)
        var text = " REPLAY \(speed) \(Timestamp.clock(replay.at, utcOffset: offset)) (\(percent)%)"
        if let stopped = replay.stoppedAt {
            text += " · stopped at \(stopped) "
            return (text, .statusBad)
        }
        text += replay.ended ? " · END " : replay.paused ? " · PAUSED " : " "
        return (text, .statusWarn)
    }

    /// A problem in words, for the status bar, the problems view, `tail` and the log alike; with several servers it
    /// starts with the server's name.
    public static func problem(_ problem: Problem, serverName: (Int) -> String) -> String {
        let text: String = switch problem.kind {
        case .malformedMessage(let why): "malformed message: \(why)"
        case .malformedStats(let why): "stats message: \(why)"
        case .unknownMessageType(let type): "ignored unknown message type \"\(type)\""
        case .serverError(let message): "server: \(message)"
        case .unaskedAcknowledgement(let what, let topic): "server acknowledged \(what) the client never asked for (latest \"\(topic)\"); dropped"
        case .serverBlind(let failing): "server blind: \(failing.isEmpty ? "status degraded" : failing) (runtime events cannot arrive)"
        case .serverSeesAgain(let status): "server sees again: readiness \(status)"
        case .restFailed(let path, let reason): "GET \(path): \(reason)"
        case .restUnbelievable(let path, let why): "\(path): \(why)"
        case .linkLost(let reason): reason
        case .sendFailed(let what, let reason): "could not send \(what): \(reason)"
        case .configuration(let message): message
        }
        return problem.server.map { "\(serverName($0)): \(text)" } ?? text
    }

    /// `gap 12:01:07–12:03:40 · 37 backfilled`
    static func gap(_ gap: Gap, utcOffset: Int) -> String {
        "gap \(Timestamp.clock(gap.start, utcOffset: utcOffset))–\(Timestamp.clock(gap.end, utcOffset: utcOffset)) · \(gap.backfilled) backfilled"
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

/// A link's phase in words, in one place for every reader: the status bar (`line`), the connections view
/// (`short`), a server's mark in the status bar (`mark`), the war room and the Stats pane (`name`), `tail`'s
/// connection lines and the log (`name`).
public enum LinkWords {
    /// What is known of a link besides its phase, for the longer forms.
    public struct Link {
        public var phase: ConnectionPhase
        public var attempt: Int
        /// Its server answers REST while the WebSocket is refused.
        public var polling: Bool
        public var now: Double

        public init(phase: ConnectionPhase, attempt: Int, polling: Bool, now: Double) {
            self.phase = phase
            self.attempt = attempt
            self.polling = polling
            self.now = now
        }

        public init(_ connection: ConnectionState, polling: Bool, now: Double) {
            self.init(phase: connection.phase, attempt: connection.attempt, polling: polling, now: now)
        }
    }

    /// `idle`, `connecting`, `open`, `reconnecting`, `stopped`.
    public static func name(_ phase: ConnectionPhase) -> String {
        switch phase {
        case .idle: "idle"
        case .connecting: "connecting"
        case .open: "open"
        case .backingOff: "reconnecting"
        case .stopped: "stopped"
        }
    }

    /// `in 12s · attempt 3`: when the next try is, and which.
    static func retry(_ link: Link, until: Double) -> String {
        "in \(Format.countdown(until - link.now)) · attempt \(link.attempt + 1)"
    }

    /// The status bar's first words with one server: ` ● OPEN `, ` RECONNECTING in 12s · attempt 3 `, ` STOPPED: … `
    /// (the open link's round trip and silence are added by the status bar).
    static func line(_ link: Link, glyphs: Glyphs) -> (text: String, role: Role) {
        switch link.phase {
        case .idle: (" idle ", .statusWarn)
        case .connecting: (" \(glyphs.pending) CONNECTING\(link.attempt > 0 ? " · attempt \(link.attempt + 1)" : "") ", .statusWarn)
        case .open: (" \(glyphs.bullet) OPEN ", .statusGood)
        case .backingOff(let until):
            link.polling
                ? (" POLLING — WebSocket unavailable · retry \(retry(link, until: until)) ", .statusWarn)
                : (" RECONNECTING \(retry(link, until: until)) ", .statusWarn)
        case .stopped(let reason): (" STOPPED: \(Wording.stopReason(reason, retryKey: true)) ", .statusBad)
        }
    }

    /// The connections view's: `● open`, `↻ polling, retry in 12s`, `⏸ stopped`.
    static func short(_ link: Link, glyphs: Glyphs) -> (text: String, role: Role) {
        switch link.phase {
        case .open: ("\(glyphs.bullet) open", .statusGood)
        case .connecting: ("\(glyphs.pending) connecting", .statusWarn)
        case .idle: ("idle", .statusWarn)
        case .backingOff(let until): ("\(glyphs.retrying) \(link.polling ? "polling, retry" : "retry") in \(Format.countdown(until - link.now))", .statusWarn)
        case .stopped: ("\(glyphs.stopped) stopped", .statusBad)
        }
    }

    /// A server's mark after its name, in a few cells: `●`, `◌`, `↻12s poll`, `⏸`.
    static func mark(_ link: Link, glyphs: Glyphs) -> (text: String, role: Role) {
        switch link.phase {
        case .open: (glyphs.bullet, .statusGood)
        case .connecting: (glyphs.pending, .statusWarn)
        case .idle: (glyphs.ellipsisBar, .statusWarn)
        case .backingOff(let until): ("\(glyphs.retrying)\(Format.countdown(until - link.now))\(link.polling ? " poll" : "")", .statusWarn)
        case .stopped: (glyphs.stopped, .statusBad)
        }
    }

    /// The war room's: `reconnecting in 12s (attempt 3)`, `connecting (attempt 2)`, `stopped: …`, `link down`.
    static func down(_ link: Link) -> String {
        switch link.phase {
        case .backingOff(let until): "reconnecting in \(Format.countdown(until - link.now)) (attempt \(link.attempt + 1))"
        case .connecting: "connecting (attempt \(link.attempt + 1))"
        case .stopped(let reason): "stopped: \(Wording.stopReason(reason, retryKey: false))"
        case .idle, .open: "link down"
        }
    }
}
