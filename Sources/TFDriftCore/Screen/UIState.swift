import TFDriftWire

/// Something the operator did, confirmed or refused, shown in the status bar for a while.
public struct Notice: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case copied(bytes: Int)
        /// Inside tmux: taken into tmux's paste buffer (which tmux forwards to the terminal where it may).
        case copiedToTmux(bytes: Int)
        case nothingSelected
        case exported(path: String, lines: Int)
        case exportFailed(path: String, reason: String)
        case queryAnswered(QueryExchange.Answer)
        case theme(String)
        /// `:theme nosuch`: refused, with the names there are.
        case unknownTheme(String, known: [String])
        /// `r` with every link it acts on up or already connecting.
        case nothingToRetry(links: Int)
        /// `r` reconnecting this many links now.
        case retrying(links: Int)
    }

    public var kind: Kind
    public var at: Double

    public init(_ kind: Kind, at: Double) {
        self.kind = kind
        self.at = at
    }

    public static let shownFor = 8.0
}

/// A REST lookup made for the detail view.
public enum Lookup: Sendable, Equatable {
    case loading
    case found(JSONValue)
    /// 404: the server has no such item (or no such endpoint).
    case notFound
    case failed(String)
}

/// More about one drift, asked for from its detail: the server's own record and what Terraform declares.
public struct DriftContext: Sendable, Equatable {
    /// As shown (cleaned).
    public var resourceID: String
    /// As the server sent it, for the REST paths; nil when it cannot be put in one.
    public var lookupID: String?
    /// The server asked (the drift's own).
    public var server = 0
    public var drift: Lookup = .loading
    public var declared: Lookup = .loading

    public init(resourceID: String, lookupID: String?) {
        self.resourceID = resourceID
        self.lookupID = lookupID
    }
}

/// Where a list pane is looking: following the newest item, or held on one item by sequence number
/// so that arriving data does not move what the operator is reading.
public struct PaneScroll: Sendable, Equatable {
    public var follow = true
    public var selected: Int?
    /// The item shown in the first row while held, so arriving data does not push the view down.
    public var top: Int?

    public init(follow: Bool = true, selected: Int? = nil, top: Int? = nil) {
        self.follow = follow
        self.selected = selected
        self.top = top
    }
}

/// The item open in the detail view.
public struct DetailState: Sendable, Equatable {
    public var pane: Pane
    public var seq: Int
    /// The exact JSON as received instead of the fields.
    public var raw = false
    /// First line shown.
    public var offset = 0
    /// What the server said when asked for more about this drift (`c`).
    public var context: DriftContext?
    /// What depends on the item's resource (`b`), shown over the detail while set.
    public var blast: BlastRadius?

    public init(pane: Pane, seq: Int) {
        self.pane = pane
        self.seq = seq
    }
}

public struct UIState: Sendable, Equatable {
    public var focus: Pane = .drifts
    /// Set while a recording plays (`replay`).
    public var replay: ReplayStatus?
    public var scroll: [Pane: PaneScroll] = [:]
    public var showHelp = false
    /// The help's page when it does not fit (the view wraps it around).
    public var helpPage = 0
    /// Terminal size and the list rows of each pane, as the layout gives them.
    public var width = 0
    public var height = 0
    public var pageRows: [Pane: Int] = [:]
    /// The filter of each pane (`--filter` sets them all at start).
    public var filters: [Pane: Filter] = [:]
    /// The filter line is open for the focused pane.
    public var editingFilter = false
    /// The focused pane's filter when the filter line opened: Esc in the line goes back to it.
    public var keptFilter: Filter?
    /// Shown in every pane: this severity and above (`s` cycles).
    public var minimumSeverity: Severity?
    public var detail: DetailState?
    /// Paused: each pane shows what it had (its `nextSeq` then); data keeps arriving.
    public var pausedAt: [Pane: Int]?
    public var palette: PaletteState?
    /// The last confirmation or failure of something the operator did (copy, export), for the status bar.
    public var notice: Notice?
    /// The pane that has the whole screen (`z`).
    public var maximized: Pane?
    /// The theme asked for (a name or a path); the frontend loads it.
    public var theme = "default"
    /// Theme names `t` cycles through, as the frontend found them.
    public var themes: [String] = ["default"]
    /// The names among them made for the terminal's background, when the terminal said which it has; `t` offers
    /// only these (`:theme` still takes any).
    public var themesForBackground: [String]?
    /// The problems view is open, scrolled this many lines; nil when closed.
    public var diagnosticsOffset: Int?
    /// War-room mode (`--kiosk`); nil for an interactive dashboard.
    public var kiosk: KioskState?
    /// The one server the whole screen shows; nil shows every server merged.
    public var serverScope: Int?
    /// The connections view is open with this server selected; nil when closed.
    public var connections: Int?
    /// Each narrowed pane's answers, decided once per item (`State.refreshMatches`).
    public var matches = MatchCache()

    public init() {}

    public func scroll(of pane: Pane) -> PaneScroll { scroll[pane] ?? PaneScroll() }
    /// Runs for every row drawn: no array built on the way.
    public func filter(of pane: Pane) -> Filter? { filters[pane].flatMap { $0.terms.isEmpty ? nil : $0 } }
    public func page(of pane: Pane) -> Int { max(1, pageRows[pane] ?? 10) }
}

extension UIState {
    /// `--filter`: the same filter on every list pane (and so on what `tail` prints).
    public mutating func filterEveryPane(_ text: String) {
        guard !text.isEmpty else { return }
        for pane in Pane.allCases where pane != .stats { filters[pane] = Filter(text) }
    }
}
