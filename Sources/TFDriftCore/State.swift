import TFDriftWire

/// Everything the dashboard knows. A plain value: rendering is a function of it.
public struct State: Sendable, Equatable {
    public var now: Double = 0
    public var startedAt: Double = 0
    /// Every server watched, in the order given; each has its own link, REST side and settings.
    public var servers: [ServerState]
    /// What arrived from every server, merged in arrival order: the panes' histories, statistics and gaps.
    public var feed: FeedState
    /// Focus, scroll, help: everything about how the screen looks at the data.
    public var ui = UIState()
    public var diagnostics = Diagnostics()
    public var quitting = false

    public init(settings: Settings, topics: Set<Topic>) {
        self.init(servers: [ServerState(settings: settings, topics: topics)])
    }

    /// Several servers (at least one); the first one's history limit sizes the merged panes.
    public init(servers: [ServerState]) {
        precondition(!servers.isEmpty, "a dashboard watches at least one server")
        self.servers = servers
        self.feed = FeedState(historyLimit: servers[0].settings.historyLimit)
    }

    /// More than one server: items carry a server column and the status bar one entry per server.
    public var isMultiServer: Bool { servers.count > 1 }

    /// Effects for server `index`: addressed to it when there are several (one server's are its own).
    func addressed(_ effects: [Effect], to index: Int) -> [Effect] {
        isMultiServer ? effects.map { $0.addressed(to: index) } : effects
    }

    /// A server's name for the screen (`#2` when it has none).
    public func serverName(_ index: Int) -> String {
        guard servers.indices.contains(index) else { return "?" }
        return servers[index].name.isEmpty ? "#\(index + 1)" : servers[index].name
    }

    /// The servers a link command (topics, retry, ping, query) is for: the one selected in the connections
    /// view, else all of them.
    public var linkTargets: [Int] {
        if let selected = ui.connections, servers.indices.contains(selected) { return [selected] }
        return Array(servers.indices)
    }
}
