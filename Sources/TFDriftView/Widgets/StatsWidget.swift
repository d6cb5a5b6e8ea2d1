import TFDriftCore
import TFDriftWire

/// What the Stats pane shows, taken from the store: the counts of the servers on screen, the link of the one
/// shown (the first, merged), the server's own totals when one server is shown, and, with several, a row each.
struct StatsModel {
    var stats: Statistics
    var link: ConnectionState
    var reported: ServerStats?
    var now: Double
    var focused = false
    var maximized = false
    /// `off — press 5 to subscribe` when no server on screen subscribes to stats.
    var offHint: String?
    /// With several servers: each one's name and counts, then the total; empty with one.
    var servers: [ServerCounts.Row] = []

    init(stats: Statistics, link: ConnectionState, reported: ServerStats? = nil, now: Double) {
        self.stats = stats
        self.link = link
        self.reported = reported
        self.now = now
    }

}

/// The Stats pane: the link's health, activity over the last 30 minutes, counts by severity and kind, the top
/// resource types and users, and the server's own totals next to what this client received.
struct StatsWidget {
    let model: StatsModel
    let glyphs: Glyphs

    private var stats: Statistics { model.stats }
    private var link: ConnectionState { model.link }
    private var reported: ServerStats? { model.reported }
    private var now: Double { model.now }

    func draw(_ pen: inout Pen, _ rect: Rect) {
        pen.box(rect, title: "Stats", note: model.offHint ?? (model.maximized ? Hints.unmaximize.text ?? "" : ""), focused: model.focused)
        pen.canvas.hitRegions.append(HitRegion(rect: rect, pane: .stats))
        let inner = rect.inner
        guard inner.width > 2, inner.height > 0 else { return }
        pen.lines(lines(width: inner.width - 2), in: Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height))
    }

    func lines(width: Int) -> [[(String, Role)]] {
        var lines: [[(String, Role)]] = []
        lines.append([
            ("\(Format.count(stats.total)) received", .title), (" \(glyphs.ellipsisBar) \(Format.count(stats.lastMinute(now: now)))/min", .text),
        ])
        // Several servers: their counts side by side (the other lines are the total, or the one server shown).
        let serverCounts = ServerCounts.lines(model.servers, width: width)
        if serverCounts.isEmpty { lines.append([(linkLine(), .dim)]) }
        lines += serverCounts
        // Thirty minutes, one cell a minute, with the peak named so the bars have a scale.
        let minutes = stats.recentMinutes(now: now, count: Statistics.windowMinutes)
        let peak = minutes.max() ?? 0
        let label = "30 min "
        let spark = Sparkline.text(Array(minutes.suffix(max(1, width - label.count - 12))), glyphs: glyphs)
        lines.append([(label, .dim), (spark, .sparkline), (" peak \(Format.compact(peak))/min", .dim)])
        lines += severityBars(width: width)
        var kinds = stats.kindCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { (key: $0.key, count: $0.value) }
        kinds += stats.otherKinds.ranked
        if stats.otherKinds.other > 0 { kinds.append((key: "other", count: stats.otherKinds.other)) }
        if !kinds.isEmpty {
            lines.append([(kinds.map { "\($0.key) \(Format.compact($0.count))" }.joined(separator: " \(glyphs.ellipsisBar) "), .text)])
        }
        if let server = reported {
            var parts: [String] = []
            if let d = server.driftTotal { parts.append("drifts \(Format.count(d))") }
            if let u = server.unmanagedTotal { parts.append("unmanaged \(Format.count(u))") }
            if !parts.isEmpty { lines.append([("server totals: " + parts.joined(separator: " \(glyphs.ellipsisBar) "), .dim)]) }
            if let dropped = server.droppedEstimate, dropped > 0 {
                lines.append([("~\(Format.count(dropped)) drifts never arrived (server drops)", .warning)])
            }
        }
        lines += ranking("Top resource types", stats.topResourceTypes(5).map { (key: $0.type, count: $0.count) }, width: width)
        lines += ranking("Top users", stats.topUsers(5), width: width)
        return lines
    }

    /// Known severities always, then the few unknown ones the tally kept and whatever it folded: the cost of this
    /// does not depend on how many distinct strings a server sent.
    func severityBars(width: Int) -> [[(String, Role)]] {
        var rows: [(label: String, role: Role, count: Int)] = Severity.known.map { ($0.label, .severity($0), stats.severityCounts[$0] ?? 0) }
        for entry in stats.otherSeverities.ranked { rows.append((entry.key, .severity(.other(entry.key)), entry.count)) }
        if stats.otherSeverities.other > 0 { rows.append(("other", .dim, stats.otherSeverities.other)) }
        let maxCount = max(1, rows.map(\.count).max() ?? 1)
        return rows.compactMap { row in
            if row.count == 0, !Severity.known.contains(where: { $0.label == row.label }) { return nil }
            let countText = Format.compact(row.count)
            let barWidth = max(0, width - 9 - countText.count - 1)
            let filled = row.count == 0 ? 0 : max(1, barWidth * row.count / maxCount)
            return [
                (TextWidth.fit(row.label, 8) + " ", row.role),
                (String(repeating: glyphs.barFull, count: filled), row.role),
                (String(repeating: " ", count: barWidth - filled) + " " + countText, .text),
            ]
        }
    }

    func ranking(_ title: String, _ entries: [(key: String, count: Int)], width: Int) -> [[(String, Role)]] {
        guard !entries.isEmpty else { return [] }
        return [[(title, .columnHeader)]] + entries.map { entry in
            let count = Format.compact(entry.count)
            return [(TextWidth.fit(entry.key, max(1, width - count.count - 1)) + " " + count, .text)]
        }
    }

    /// `link up 00:12:03 · 2 reconnects · rtt 12 ms · last msg 3s ago`
    func linkLine() -> String {
        let c = link
        var parts: [String] = []
        if let opened = c.openedAt, c.phase == .open {
            parts.append("link up \(Format.duration(now - opened))")
        } else {
            parts.append("link \(LinkWords.name(c.phase))")
        }
        if c.opens > 1 { parts.append("\(Format.count(c.opens - 1)) reconnect\(c.opens == 2 ? "" : "s")") }
        if let rtt = c.roundTrip { parts.append("rtt \(Format.milliseconds(rtt)) ms") }
        if let last = c.lastFrameAt {
            parts.append("last msg \(Format.duration(now - last)) ago")
        }
        return parts.joined(separator: " \(glyphs.ellipsisBar) ")
    }

}

enum Sparkline {
    /// One cell per value, scaled to the largest; zero is blank so quiet minutes read as gaps.
    static func text(_ values: [Int], glyphs: Glyphs) -> String {
        let peak = values.max() ?? 0
        guard peak > 0 else { return String(repeating: glyphs.sparks[0], count: values.count) }
        return values.map { v in
            v == 0 ? " " : glyphs.sparks[min(glyphs.sparks.count - 1, (v * glyphs.sparks.count - 1) / peak)]
        }.joined()
    }
}
