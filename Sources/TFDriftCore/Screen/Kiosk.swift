/// War-room mode: nobody at the keyboard, a wall screen that must shout when the data stops.
public struct KioskSettings: Sendable, Equatable {
    public enum Alert: String, Sendable, Equatable {
        case bell, flash, none
    }

    /// The highlighted pane moves on this often (0 keeps it).
    public var cycle: Double
    /// No frame at all for this long and the data counts as stale.
    public var staleAfter: Double
    public var alert: Alert
    /// At most one alert this often.
    public var alertInterval: Double

    public init(cycle: Double = 15, staleAfter: Double = 90, alert: Alert = .none, alertInterval: Double = 10) {
        self.cycle = max(0, cycle)
        self.staleAfter = max(1, staleAfter)
        self.alert = alert
        self.alertInterval = max(1, alertInterval)
    }
}

public struct KioskState: Sendable, Equatable {
    public var settings: KioskSettings
    /// `q` was pressed once: the next key decides (`y` quits, anything else stays).
    public var confirmingQuit = false
    public var lastCycleAt: Double?
    public var lastAlertAt: Double?
    public var alerts = 0

    public init(settings: KioskSettings) { self.settings = settings }
}

/// Why the data on screen may be old, for the banner.
public enum Staleness: Sendable, Equatable {
    /// The link is down (connecting, waiting to retry, or stopped).
    case down(ConnectionPhase)
    /// The WebSocket is unavailable; REST polling brings the data in bursts.
    case polling
    /// The link is open but nothing arrived, not even a ping, for this many seconds.
    case silent(Double)
}

extension State {
    /// Whether the war room should be told the data stopped, and why; nil while every server's data flows.
    public func staleness(after threshold: Double) -> Staleness? {
        staleServers(after: threshold).first?.staleness
    }

    /// Whether server `index`'s data stopped, and why; nil while it flows.
    public func staleness(ofServer index: Int, after threshold: Double) -> Staleness? {
        let server = servers[index]
        let connection = server.connection
        if server.rest.polling && connection.phase != .open { return .polling }
        guard connection.phase == .open else { return .down(connection.phase) }
        let last = connection.lastFrameAt ?? connection.openedAt ?? startedAt
        return now - last > threshold ? .silent(now - last) : nil
    }

    /// Every server whose data stopped, in the servers' order.
    public func staleServers(after threshold: Double) -> [(server: Int, staleness: Staleness)] {
        servers.indices.compactMap { index in staleness(ofServer: index, after: threshold).map { (index, $0) } }
    }
}

/// Kiosk's keys and clock: only `?` and a confirmed `q` do anything; the highlight cycles on ticks.
enum KioskReducer {
    static let cycledPanes: [Pane] = [.drifts, .events, .state]

    static func key(_ key: Key, _ state: inout State) -> [Effect]? {
        guard var kiosk = state.ui.kiosk else { return nil }
        defer { state.ui.kiosk = kiosk }
        if state.ui.showHelp {
            state.ui.showHelp = false
            return []
        }
        if kiosk.confirmingQuit {
            kiosk.confirmingQuit = false
            if Bindings.ownCommand(for: key, in: .confirmQuit) == .quit { return Reducer.reduce(&state, Command.quit) }
            return []
        }
        // The kiosk's rows of the bindings table only: no other key acts on a screen nobody should touch.
        switch Bindings.ownCommand(for: key, in: .kiosk) {
        case .quit: kiosk.confirmingQuit = true
        case .toggleHelp: state.ui.showHelp = true
        default: break
        }
        return []
    }

    static func tick(_ state: inout State, at: Double) {
        guard var kiosk = state.ui.kiosk, kiosk.settings.cycle > 0 else { return }
        let last = kiosk.lastCycleAt ?? state.startedAt
        guard at - last >= kiosk.settings.cycle else { return }
        kiosk.lastCycleAt = at
        let index = cycledPanes.firstIndex(of: state.ui.focus) ?? -1
        state.ui.focus = cycledPanes[(index + 1) % cycledPanes.count]
        state.ui.kiosk = kiosk
    }

    /// A new critical drift that arrived live (never history or backfill) rings, at most once per interval.
    static func alert(for drift: DriftRecord, _ state: inout State, at: Double) -> [Effect] {
        guard var kiosk = state.ui.kiosk, kiosk.settings.alert != .none, drift.severity == .critical, !drift.history, !drift.backfilled
        else { return [] }
        if let last = kiosk.lastAlertAt, at - last < kiosk.settings.alertInterval { return [] }
        kiosk.lastAlertAt = at
        kiosk.alerts += 1
        state.ui.kiosk = kiosk
        return [.alert(kiosk.settings.alert)]
    }
}
