import TFDriftWire

/// What the operator asked for, from the keyboard.
public enum Command: Sendable, Equatable {
    case toggleTopic(Topic)
    case focusNext
    case focusPrevious
    /// Moves the selection in the focused pane; positive is older (down the list).
    case moveSelection(Int)
    case jumpNewest
    case jumpOldest
    case toggleHelp
    /// The next (positive) or an earlier page of the help.
    case helpPage(Int)
    /// A replay's control (answered by the replay source, never by the store).
    case replay(ReplayControl)
    /// A page older (positive) or newer in the focused pane; the page size is the pane's, from the layout.
    case page(Int)
    /// Half a page (Ctrl-d, Ctrl-u).
    case halfPage(Int)
    case openDetail
    case closeDetail
    case detailScroll(Int)
    case detailPage(Int)
    /// The next (positive, older) or previous item of the pane, without leaving the detail.
    case detailStep(Int)
    case toggleRaw
    case startFilter
    /// Clears the focused pane's filter if it has one, else follows the newest item.
    case escape
    case cycleMinimumSeverity
    case togglePause
    case insertText(Character)
    case deleteText
    case submitText
    case cancelText
    case retryNow
    case openPalette
    /// Focuses a pane (a mouse click).
    case focus(Pane)
    /// Holds the focused pane on one item (a mouse click on its row).
    case select(Int)
    /// Moves the palette's selection among the matches (positive is down).
    case paletteMove(Int)
    /// Sets the focused pane's filter (the palette's `filter <expr>`; empty clears).
    case setFilter(String)
    case setTopic(Topic, subscribed: Bool)
    /// The server's provider filter, now and after every reconnect; empty clears it.
    case setProvider(String)
    /// Copies the selected item (or the one open in the detail) as JSON to the clipboard.
    case copySelected
    /// Writes what the focused pane shows to an NDJSON file; nil picks a name in the working directory.
    case export(path: String?)
    /// The focused pane takes the whole screen, or gives it back.
    case toggleMaximize
    /// From a drift's detail: asks the server for more about it.
    case fetchContext
    /// From an item's detail: what depends on its resource (the server's resource graph).
    case openBlastRadius
    case closeBlastRadius
    case blastRadiusMove(Int)
    /// The panes filtered to the selected node's resource.
    case showBlastRadiusNode
    case cycleTheme
    case toggleDiagnostics
    case diagnosticsScroll(Int)
    /// The whole screen shows every server, then each one in turn.
    case cycleServerScope
    /// The list of servers with their links' details.
    case toggleConnections
    /// Moves the connections view's selection (positive is down).
    case connectionsMove(Int)
    /// A theme by name or path (the palette's `theme <name>`).
    case setTheme(String)
    /// Sends a client message (ping, query); queued in the outbox while disconnected.
    case send(ClientMessage)
    case quit
}

/// Why a socket ended, with what the retry policy needs to know.
public struct Disconnection: Sendable, Equatable {
    public var message: String
    /// The HTTP status when the upgrade was refused (401, 429, 500, …).
    public var httpStatus: Int?
    /// Seconds the server asked us to wait (`Retry-After`).
    public var retryAfter: Double?

    /// The server's TLS certificate failed verification.
    public var certificateRejected: Bool

    /// The proxy refused the tunnel in a way retrying will not fix (407 credentials, 403 destination).
    public var proxyRefused: Bool

    public init(
        _ message: String, httpStatus: Int? = nil, retryAfter: Double? = nil, certificateRejected: Bool = false, proxyRefused: Bool = false
    ) {
        self.proxyRefused = proxyRefused
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.certificateRejected = certificateRejected
    }
}

/// The REST calls the client makes (snapshot, backfill, polling fallback).
public enum RestRequest: Sendable, Hashable {
    case health
    case stats
    /// `GET /api/v1/drifts?page=&limit=`: oldest first.
    case drifts(page: Int, limit: Int)
    /// The same list, read for history on start: items from index `from` up to `total` are shown as history.
    case history(page: Int, limit: Int, from: Int, total: Int)
    /// `GET /api/v1/state`: the Terraform state summary (404 when none is loaded).
    case terraformState
    /// `GET /api/v1/drifts/{resource id}`: the server's oldest drift of that resource.
    case driftContext(resourceID: String)
    /// `GET /api/v1/state/resource/{id}`: what Terraform declares for it.
    case declaredResource(resourceID: String)
    /// `GET /api/v1/graph/impact/{id}?depth=N`: every resource within N hops of it in the server's graph.
    case graphImpact(resourceID: String, depth: Int)
    /// `GET /api/v1/graph/dependents/{id}`: the resources that depend on it.
    case graphDependents(resourceID: String)

    public var path: String {
        switch self {
        case .health: "/health"
        case .stats: "/api/v1/stats"
        case .drifts(let page, let limit), .history(let page, let limit, _, _): "/api/v1/drifts?page=\(page)&limit=\(limit)"
        case .terraformState: "/api/v1/state"
        case .driftContext(let id): "/api/v1/drifts/" + RestRequest.pathSegment(id)
        case .declaredResource(let id): "/api/v1/state/resource/" + RestRequest.pathSegment(id)
        case .graphImpact(let id, let depth): "/api/v1/graph/impact/" + RestRequest.pathSegment(id) + "?depth=\(depth)"
        case .graphDependents(let id): "/api/v1/graph/dependents/" + RestRequest.pathSegment(id)
        }
    }

    /// Whether `id` can stand as one path segment: not empty, not a dot-segment (RFC 3986 §5.2.4 removes
    /// `.` and `..`, percent-encoded or not, in many proxies and servers).
    public static func isPathSegment(_ id: String) -> Bool {
        !id.isEmpty && id != "." && id != ".."
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters: an id from the server (an ARN with
    /// `/` and `:`) stays one path segment.
    static func pathSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}

public enum RestOutcome: Sendable, Equatable {
    /// The decoded body of a 2xx response.
    case body(JSONValue)
    case failure(status: Int?, message: String)
}

/// Everything that can change the state. Time and randomness arrive inside actions, never read by the reducer.
public enum Action: Sendable, Equatable {
    case started(at: Double)
    case command(Command)
    /// A key press; the bindings table and the screen's context decide what it means.
    case key(Key)
    /// The terminal's size and the rows each pane shows (a page for PgUp/PgDn), from the layout.
    case resized(width: Int, height: Int, pageRows: [Pane: Int])
    case tick(at: Double)
    case connectionOpened(generation: Int, at: Double)
    /// The socket could not be opened or was closed; `jitter` in `[0, 1)` spreads the next retry.
    case connectionClosed(generation: Int, Disconnection, at: Double, jitter: Double)
    case received(generation: Int, items: [Incoming], at: Double)
    /// A message as the wire delivered it, not yet decoded: what a recording holds, and what the network posts
    /// while one is made. The runtime decodes it (the same `Ingest` the network thread uses) into `.received`.
    case frameReceived(generation: Int, bytes: [UInt8], at: Double)
    case sendFailed(generation: Int, message: ClientMessage, reason: String)
    case retryDue(generation: Int)
    case welcomeTimedOut(generation: Int)
    case restResponse(RestRequest, RestOutcome, at: Double)
    /// Time for the next REST poll while the WebSocket is unavailable.
    case pollDue
    /// An export finished: how many lines went to `path`, or why none did (sanitised).
    case exported(path: String, lines: Int, error: String?)
    /// The configuration or a theme file said something that was not understood (worded with file and line).
    case configurationProblems([String])
    /// The configuration file changed: these settings apply from the next connection attempt on.
    case settingsReloaded(Settings)
    /// Inside tmux the copy went into tmux's paste buffer (`tmux load-buffer -w`), which is known to have worked.
    case copiedToTmux(bytes: Int)
    /// Where a replay is (speed, position, paused, ended), for the status bar.
    case replayProgress(ReplayStatus)
    /// An action of one server (an index into `State.servers`): its socket's and REST calls' news, its timers,
    /// or a command for it alone. Unaddressed actions of that kind are the first server's; unaddressed commands
    /// for the link go to every server.
    indirect case server(Int, Action)
}

/// A replay's position and pace, as the status bar shows it: `REPLAY 30× 02:14:07 (43%)`.
public struct ReplayStatus: Sendable, Equatable {
    /// nil: as fast as possible.
    public var speed: Double?
    public var paused: Bool
    /// The recorded time of the position.
    public var at: Double
    /// 0…1 of the recording played.
    public var fraction: Double
    public var ended: Bool
    /// `file:line: reason` where a damaged recording stopped.
    public var stoppedAt: String?

    public init(speed: Double?, paused: Bool, at: Double, fraction: Double, ended: Bool, stoppedAt: String? = nil) {
        self.speed = speed
        self.paused = paused
        self.at = at
        self.fraction = fraction
        self.ended = ended
        self.stoppedAt = stoppedAt
    }
}

/// Work for the effect runners. Data, so tests can assert on exactly what would happen.
public enum Effect: Sendable, Equatable {
    case connect(generation: Int, url: String)
    case send(generation: Int, ClientMessage)
    case disconnect(generation: Int)
    /// Drops a socket without the close handshake (declared dead by the watchdog).
    case abort(generation: Int)
    case fetch(RestRequest)
    case schedule(after: Double, Action)
    /// Rings the terminal bell or flashes the screen (kiosk: a new critical drift).
    case alert(KioskSettings.Alert)
    /// Puts text on the clipboard of the terminal (OSC 52), through ssh and tmux.
    case copyToClipboard(String)
    /// Writes NDJSON lines to a new file; the runner answers with `Action.exported`.
    case writeFile(path: String, lines: [String])
    case quit
    /// An effect for one server's connection (with several servers); its timers come back addressed to it.
    indirect case server(Int, Effect)

    /// Sockets, REST calls and timers belong to a server; the rest is the screen's.
    func addressed(to server: Int) -> Effect {
        switch self {
        case .connect, .send, .disconnect, .abort, .fetch, .schedule: .server(server, self)
        case .alert, .copyToClipboard, .writeFile, .quit, .server: self
        }
    }
}
