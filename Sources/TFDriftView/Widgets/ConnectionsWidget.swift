import TFDriftCore
import TFDriftWire

/// What a server itself can see (its readiness checks), apart from its link: `falco✗` in the status bar, a line
/// in the connections view.
enum ServerMark {
    /// The connections view's line: every check the server reported, or why there are none.
    static func readinessLine(_ readiness: Readiness, utcOffset: Int) -> (String, Role) {
        let list = ReadinessCheck.words
        switch readiness {
        case .notAsked: return ("  readiness: not read yet", .dim)
        case .unknown: return ("  readiness unknown (the server reports none)", .dim)
        case .ready(let checks): return ("  sees: \(checks.isEmpty ? "ok" : list(checks))", .dim)
        case .degraded(let checks, let since):
            return ("  BLIND since \(Timestamp.clock(since, utcOffset: utcOffset)): \(checks.isEmpty ? "status degraded" : list(checks)) (runtime events cannot arrive)", .warning)
        }
    }

    /// `falco✗` for each failed check; empty when the server sees.
    static func readiness(_ server: ServerState, glyphs: Glyphs) -> String {
        let failing = server.rest.readiness.failing
        if server.rest.readiness.isBlind, failing.isEmpty { return "degraded" + glyphs.failed }
        return failing.map { $0.name + glyphs.failed }.joined(separator: " ")
    }
}

/// What the connections view shows of each server, taken from the store.
struct ConnectionsModel {
    struct Server {
        var name: String
        var open: Bool
        var phase: (text: String, role: Role)
        var attempt: Int
        var roundTrip: Double?
        /// Seconds since its last message; nil before the first.
        var silentFor: Double?
        var gaps: Int
        var dialect: String
        /// `ws://… · drifts✓ events…`
        var detail: String
        /// Why it stopped, or why its link last closed.
        var why: (text: String, role: Role)?
        /// Every readiness check it reported.
        var sight: (text: String, role: Role)
    }

    var servers: [Server]
    var selected: Int

    init(servers: [Server], selected: Int) {
        self.servers = servers
        self.selected = selected
    }

}

/// `c`: every server with its link's details, one selected; `r` retries it and the topic keys act on it alone.
struct ConnectionsWidget {
    let model: ConnectionsModel
    let glyphs: Glyphs

    func draw(_ pen: inout Pen, _ rect: Rect) {
        pen.canvas.fill(rect, style: pen.style(.text))
        let servers = model.servers
        let open = servers.filter(\.open).count
        // Shortened to the room beside the title: the middle hints go first, selecting and the way back stay.
        let title = "Connections \(open)/\(servers.count) open"
        pen.box(rect, title: title, note: KeyHints.line(Hints.connectionsView, room: rect.width - TextWidth.width(of: title) - 7), focused: true)
        let inner = rect.inner
        guard inner.height > 2, inner.width > 10 else { return }
        let columns = ColumnSpec.columns(
            [.fixed("SERVER", 10), .share("PHASE", weight: 30), .fixed("ATT", 3), .fixed("RTT", 7), .fixed("LAST MSG", 8), .fixed("GAPS", 4), .fixed("DIALECT", 20)],
            total: inner.width - 1)
        pen.drawRow(columns.map { ($0.title, Role.columnHeader) }, columns: columns, x: inner.x, y: inner.y, width: inner.width, highlight: false)
        // Three lines a server: the figures; its address and topics; why it stopped or last closed.
        let perServer = 3
        let rows = max(1, (inner.height - 1) / perServer)
        let selected = model.selected
        let first = min(max(0, selected - rows + 1), max(0, servers.count - rows))
        var y = inner.y + 1
        for (index, server) in servers.enumerated().dropFirst(first) where y + 1 < inner.maxY + 1 {
            let mark = index == selected ? glyphs.arrow + " " : ""
            let cells: [(String, Role)] = [
                (mark + server.name, .title), server.phase, (String(server.attempt), server.attempt > 0 ? .warning : .dim),
                (server.roundTrip.map { "\(Format.milliseconds($0)) ms" } ?? "-", .dim),
                (server.silentFor.map(Format.age) ?? "-", .dim), (String(server.gaps), server.gaps > 0 ? .warning : .dim), (server.dialect, .dim),
            ]
            pen.drawRow(cells, columns: columns, x: inner.x, y: y, width: inner.width, highlight: index == selected)
            y += 1
            // What to do about a stopped server matters most; else why the link last closed; then every check the
            // server reported, as it named them.
            let lines = [("  " + server.detail, Role.dim), server.why.map { ("  " + $0.text, $0.role) }, server.sight]
            for line in lines.compactMap({ $0 }) {
                guard y < inner.maxY else { break }
                pen.canvas.draw(TextWidth.truncate(line.0, to: inner.width - 2), x: inner.x + 1, y: y, style: pen.style(line.1), maxWidth: inner.width - 2)
                y += 1
            }
            guard y < inner.maxY else { break }
        }
    }
}

/// Counts per server side by side, then the total: the Stats pane's table (`lines`) and kiosk's counters both
/// show `rows`.
enum ServerCounts {
    static let severities: [Severity] = [.critical, .high, .medium, .warning, .low]

    typealias Row = (name: String, stats: Statistics, role: Role)

    /// The Stats pane's table of `rows` (servers, then the total); none without rows.
    static func lines(_ rows: [Row], width: Int) -> [[(String, Role)]] {
        guard !rows.isEmpty else { return [] }
        let nameWidth = min(10, max(5, rows.dropLast().map { TextWidth.width(of: $0.name) }.max() ?? 0))
        let cell = 6
        // The total always shows; the severities from the most severe on, as many as the width holds.
        let severities = Array(ServerCounts.severities.prefix(max(0, (width - nameWidth - cell - 1) / cell)))
        func row(_ name: String, _ stats: Statistics, _ role: Role) -> [(String, Role)] {
            var cells: [(String, Role)] = [(TextWidth.fit(name, nameWidth), role)]
            for severity in severities {
                cells.append((" " + TextWidth.fit(Format.compact(stats.severityCounts[severity] ?? 0), cell - 1, alignRight: true), .severity(severity)))
            }
            cells.append((" " + TextWidth.fit(Format.compact(stats.total), cell, alignRight: true), .text))
            return cells
        }
        var header: [(String, Role)] = [(TextWidth.fit("server", nameWidth), .columnHeader)]
        for severity in severities { header.append((" " + TextWidth.fit(Format.severityTag(severity), cell - 1, alignRight: true), .columnHeader)) }
        header.append((" " + TextWidth.fit("all", cell, alignRight: true), .columnHeader))
        return [header] + rows.map { row($0.name, $0.stats, $0.role) }
    }
}
