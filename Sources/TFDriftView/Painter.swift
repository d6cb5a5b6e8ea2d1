import TFDriftCore
import TFDriftWire

/// A column of a list pane: its title and width in cells (0: left out, too narrow a pane for it).
struct Column {
    var title: String
    var width: Int
}

/// What a list pane asks of a column: a fixed width, or a share of the room by weight that must not fall below
/// `minimum`. When the pane is too narrow for every column, those with the highest `priority` number go first
/// (0: always shown), so a column depends only on the pane's width: a wider pane never hides one a narrower showed.
struct ColumnSpec {
    var title: String
    var fixed: Int?
    var weight: Int
    var minimum: Int
    var priority: Int

    static func fixed(_ title: String, _ width: Int) -> ColumnSpec {
        ColumnSpec(title: title, fixed: width, weight: 0, minimum: width, priority: 0)
    }

    static func share(_ title: String, weight: Int, minimum: Int = 1, priority: Int = 0) -> ColumnSpec {
        ColumnSpec(title: title, fixed: nil, weight: weight, minimum: minimum, priority: priority)
    }

    /// The Drifts pane: who made the change goes first when room runs out, then what changed; never the resource.
    static let drifts: [ColumnSpec] = [
        .fixed("TIME", 8), .fixed("SEV", 4), .share("RESOURCE", weight: 34, minimum: 20),
        .share("ATTRIBUTE", weight: 18, minimum: 6, priority: 1), .share("CHANGE", weight: 32, minimum: 8, priority: 1),
        .share("USER", weight: 16, minimum: 8, priority: 2),
    ]

    /// The Events pane: its detail goes first when room runs out, then the resource; never what happened.
    static let events: [ColumnSpec] = [
        .fixed("TIME", 8), .fixed("SEV", 4), .fixed("KIND", 10), .share("WHAT", weight: 26, minimum: 12),
        .share("RESOURCE", weight: 30, minimum: 10, priority: 1), .share("DETAIL", weight: 44, minimum: 10, priority: 2),
    ]

    /// The server column in front of every list with several servers.
    static func server(width: Int) -> ColumnSpec { .fixed("SRV", width) }

    /// The cells a pane `width` wide leaves for its columns (inside the border, one cell of margin).
    static func room(inPane width: Int) -> Int { width - 3 }
}

/// The screens not yet drawn from models of their own: they read the store. A widget that has a model draws
/// with the `pen` alone (see `Pen`).
struct Painter {
    var pen: Pen
    let state: State

    init(canvas: Canvas, options: RenderOptions, state: State) {
        pen = Pen(canvas: canvas, options: options)
        self.state = state
    }

    var canvas: Canvas {
        get { pen.canvas }
        _modify { yield &pen.canvas }
    }
    var options: RenderOptions { pen.options }
    var theme: Theme { pen.theme }
    var glyphs: Glyphs { pen.glyphs }

    func style(_ role: Role) -> Style { pen.style(role) }
    mutating func box(_ rect: Rect, title: String, note: String, focused: Bool) { pen.box(rect, title: title, note: note, focused: focused) }
    mutating func drawRow(_ values: [(String, Role)], columns: [Column], x: Int, y: Int, width: Int, highlight: Bool) {
        pen.drawRow(values, columns: columns, x: x, y: y, width: width, highlight: highlight)
    }
    mutating func lines(_ lines: [[(String, Role)]], in rect: Rect) { pen.lines(lines, in: rect) }

    // MARK: - Frame pieces

    mutating func header(_ rect: Rect) {
        canvas.fill(rect, style: style(.headerBar))
        var x = rect.x
        x += canvas.draw(" tfdrift-tui ", x: x, y: rect.y, style: style(.headerBar).with(bold: true), maxWidth: rect.width)
        for (index, topic) in Topic.allCases.enumerated() {
            // On where a link command would act: the selected server, or any of them.
            let on = state.linkTargets.contains { state.servers[$0].desiredTopics.contains(topic) }
            let label = " \(index + 1) \(topic.rawValue) "
            guard x + TextWidth.width(of: label) < rect.maxX else { break }
            x += canvas.draw(label, x: x, y: rect.y, style: style(on ? .topicOn : .topicOff))
            x += canvas.draw(" ", x: x, y: rect.y, style: style(.headerBar))
        }
        let hint = " ? help  q quit "
        let w = TextWidth.width(of: hint)
        if rect.maxX - w > x {
            canvas.draw(hint, x: rect.maxX - w, y: rect.y, style: style(.keyHint))
        }
    }

    // MARK: - List panes

    mutating func listPane<Element>(
        _ rect: Rect, pane: Pane, history: History<Element>, rows: Int, columns: [Column], markers: [Int: String] = [:],
        banner: (String, Role)? = nil, cells: (Element) -> [(String, Role)]
    ) {
        let focused = state.ui.focus == pane
        let scroll = state.ui.scroll(of: pane)
        let newest = state.newestVisible(pane)
        var selected: Int? = nil
        if !scroll.follow, let sel = state.selectedSeq(pane) { selected = sel }
        // What waits above the view: items newer than the held selection, or than the pause.
        var waiting = 0
        if let selected, let newestVisible = newest {
            waiting = (selected + 1...max(selected + 1, newestVisible)).reduce(0) { $0 + (state.isVisible(pane, $1) && $1 > selected ? 1 : 0) }
        }
        if let pausedAt = state.ui.pausedAt?[pane] { waiting += max(0, history.nextSeq - pausedAt) }
        var note = ""
        if history.evicted > 0 { note = "\(Format.compact(history.evicted)) older dropped" }
        if waiting > 0 { note = "\(glyphs.down) \(Format.compact(waiting)) new" } else if selected != nil { note = "held" }
        // A pane whose topic nobody subscribes to says so, with the key that turns it on (from the bindings).
        let off = Painter.offHint(state, pane)
        if let off { note = off }
        var title = "\(pane.title) \(Format.count(history.count))"
        if state.isNarrowed(pane) || state.ui.pausedAt != nil {
            title = "\(pane.title) \(Format.count(state.visibleCount(pane)))/\(Format.count(history.count))"
        }
        if let filter = state.ui.filter(of: pane), !filter.text.isEmpty { title += " /\(filter.text)" }
        box(rect, title: title, note: note, focused: focused)
        canvas.hitRegions.append(HitRegion(rect: rect, pane: pane))
        let inner = rect.inner
        guard inner.width > 0, inner.height > 0 else { return }
        var y = inner.y
        if let banner {
            canvas.draw(banner.0, x: inner.x + 1, y: y, style: style(banner.1), maxWidth: inner.width - 1)
            y += 1
        }
        if inner.height >= 4 {
            drawRow(columns.map { ($0.title, Role.columnHeader) }, columns: columns, x: inner.x, y: y, width: inner.width, highlight: false)
            y += 1
        }
        guard let newest, let oldest = history.oldestSeq else {
            let anyOpen = state.servers.contains { $0.connection.phase == .open }
            let hint = off ?? (history.isEmpty ? (anyOpen ? "waiting for data…" : "no data yet") : "nothing matches the filter")
            canvas.draw(hint, x: inner.x + 1, y: y, style: style(.dim), maxWidth: inner.width - 1)
            return
        }
        // Following: the newest item on top. Held: the first row stays where it was frozen, moving only as far
        // as needed to keep the selected item on screen (counted in visible rows).
        var top = newest
        if let selected {
            top = min(newest, scroll.top.flatMap { state.visible(pane, from: $0, steps: 0) } ?? newest)
            if selected > top { top = selected }
            var below = 0
            var seq = top
            while seq > selected, let next = state.visible(pane, from: seq, steps: 1), next != seq {
                below += 1
                seq = next
            }
            if below >= rows, let moved = state.visible(pane, from: selected, steps: -(rows - 1)) { top = moved }
        }
        var seq = top
        while y < inner.maxY, seq >= oldest {
            defer { seq -= 1 }
            if let marker = markers[seq], seq != top {
                let line = "\(glyphs.horizontal)\(glyphs.horizontal) \(marker) "
                canvas.draw(TextWidth.fit(line, inner.width), x: inner.x, y: y, style: style(.gap), maxWidth: inner.width)
                y += 1
                if y >= inner.maxY { break }
            }
            guard state.isVisible(pane, seq), let element = history[seq] else { continue }
            drawRow(cells(element), columns: columns, x: inner.x, y: y, width: inner.width, highlight: seq == selected && focused)
            canvas.hitRegions.append(HitRegion(rect: Rect(x: inner.x, y: y, width: inner.width, height: 1), pane: pane, seq: seq))
            if seq == selected && !focused {
                canvas.draw(glyphs.bullet, x: inner.x, y: y, style: style(.dim), maxWidth: 1)
            }
            y += 1
        }
    }

    /// Splits `total` cells among the shared columns by weight, after the fixed ones; while a shared column would
    /// fall below its minimum, the column of the highest priority number is left out (width 0) and the rest
    /// share again.
    static func columns(_ specs: [ColumnSpec], total: Int) -> [Column] {
        var shown = Array(repeating: true, count: specs.count)
        while true {
            let widths = shares(specs, shown: shown, total: total)
            let short = specs.indices.contains { shown[$0] && specs[$0].fixed == nil && widths[$0] < specs[$0].minimum }
            let droppable = specs.indices.filter { shown[$0] && specs[$0].priority > 0 }
            guard short, let drop = droppable.max(by: { (specs[$0].priority, $0) < (specs[$1].priority, $1) }) else {
                return specs.indices.map { Column(title: specs[$0].title, width: widths[$0]) }
            }
            shown[drop] = false
        }
    }

    private static func shares(_ specs: [ColumnSpec], shown: [Bool], total: Int) -> [Int] {
        let kept = specs.indices.filter { shown[$0] }
        let gaps = kept.count
        let fixed = kept.compactMap { specs[$0].fixed }.reduce(0, +)
        let flexible = max(0, total - fixed - gaps)
        let weights = kept.filter { specs[$0].fixed == nil }.map { specs[$0].weight }.reduce(0, +)
        var remaining = flexible
        var widths = Array(repeating: 0, count: specs.count)
        let lastFlexible = kept.last { specs[$0].fixed == nil }
        for i in kept {
            if let f = specs[i].fixed {
                widths[i] = f
            } else if i == lastFlexible {
                widths[i] = remaining
            } else {
                widths[i] = weights > 0 ? flexible * specs[i].weight / weights : 0
                remaining -= widths[i]
            }
        }
        return widths
    }

    /// `off — press 3 to subscribe` for a pane whose topic no server the keys act on subscribes to; nil otherwise.
    static func offHint(_ state: State, _ pane: Pane) -> String? {
        let topic: Topic = switch pane {
        case .drifts: .drifts
        case .events: .events
        case .state: .state
        case .stats: .stats
        }
        let on = state.linkTargets.contains { state.servers[$0].desiredTopics.contains(topic) || state.servers[$0].desiredTopics.contains(.all) }
        guard !on else { return nil }
        return "off — press \(Bindings.label(of: .toggleTopic(topic), in: .pane) ?? ":subscribe \(topic.rawValue)") to subscribe"
    }

    /// `gap 12:01:07–12:03:40 · 37 backfilled`
    static func gapText(_ gap: Gap, offset: Int) -> String {
        "gap \(Timestamp.clock(gap.start, utcOffset: offset))–\(Timestamp.clock(gap.end, utcOffset: offset)) · \(gap.backfilled) backfilled"
    }

    static func severityTag(_ severity: Severity) -> String {
        switch severity {
        case .critical: "CRIT"
        case .high: "HIGH"
        case .medium: "MED"
        case .low: "LOW"
        case .warning: "WARN"
        case .info: "INFO"
        case .other(let s): String(s.uppercased().prefix(4))
        }
    }

    /// With several servers every list starts with a short column naming the server of each item.
    func withServerColumn(_ specs: [ColumnSpec]) -> [ColumnSpec] {
        guard let width = Painter.serverColumnWidth(state) else { return specs }
        return [.server(width: width)] + specs
    }

    /// The width of the server column, nil with one server.
    static func serverColumnWidth(_ state: State) -> Int? {
        state.isMultiServer ? min(8, max(3, ServerCounts.widestName(state))) : nil
    }

    /// Puts the server's name in front of a row's cells (with several servers); a value, so a row closure can
    /// use it while the painter draws.
    func serverCell() -> @Sendable (Int, [(String, Role)]) -> [(String, Role)] {
        guard state.isMultiServer else { return { $1 } }
        let names = state.servers.indices.map { state.serverName($0) }
        return { server, cells in [(names.indices.contains(server) ? names[server] : "?", .title)] + cells }
    }

    mutating func driftsPane(_ rect: Rect, rows: Int) {
        let total = ColumnSpec.room(inPane: rect.width)
        let columns = Painter.columns(withServerColumn(ColumnSpec.drifts), total: total)
        let arrow = glyphs.arrow
        let offset = options.utcOffset
        let history = state.feed.drifts
        let withServerCell = serverCell()
        var markers: [Int: String] = [:]
        for gap in state.feed.gaps where state.ui.serverScope == nil || state.ui.serverScope == gap.server {
            let whose = state.isMultiServer ? state.serverName(gap.server) + " " : ""
            markers[gap.afterSeq - 1] = whose + Painter.gapText(gap, offset: offset) + " " + String(repeating: glyphs.horizontal, count: 200)
        }
        listPane(rect, pane: .drifts, history: history, rows: rows, columns: columns, markers: markers) { drift in
            let resource = drift.resourceName.isEmpty
                ? [drift.resourceType, drift.resourceID].filter { !$0.isEmpty }.joined(separator: " ")
                : "\(drift.resourceType).\(drift.resourceName)"
            let change = drift.oldValue.isEmpty && drift.newValue.isEmpty ? "" : "\(drift.oldValue) \(arrow) \(drift.newValue)"
            // History says where it came from, whatever time the list gives it: it happened before the client
            // started, and a time of its own would make it look live (the detail view has the time).
            let time = drift.history ? "history" : Timestamp.clock(drift.time, utcOffset: offset)
            return withServerCell(drift.server, [
                (time, drift.history || drift.backfilled ? .history : .dim), (Painter.severityTag(drift.severity), .severity(drift.severity)),
                (resource, .text), (drift.attribute, .text), (change, .text), (drift.user, .dim),
            ])
        }
    }

    mutating func eventsPane(_ rect: Rect, rows: Int) {
        let total = ColumnSpec.room(inPane: rect.width)
        let columns = Painter.columns(
            withServerColumn(ColumnSpec.events),
            total: total)
        let offset = options.utcOffset
        let history = state.feed.events
        let withServerCell = serverCell()
        listPane(rect, pane: .events, history: history, rows: rows, columns: columns) { event in
            withServerCell(event.server, [
                (Timestamp.clock(event.time, utcOffset: offset), .dim), (Painter.severityTag(event.severity), .severity(event.severity)),
                (event.kindLabel, .text), (event.title, .text), (event.resource, .text),
                (event.user.isEmpty ? event.detail : "\(event.detail) · \(event.user)", .dim),
            ])
        }
    }

    mutating func statePane(_ rect: Rect, rows: Int) {
        let total = ColumnSpec.room(inPane: rect.width)
        let columns = Painter.columns(
            withServerColumn([.fixed("TIME", 8), .fixed("ACTION", 9), .share("RESOURCE", weight: 55), .share("DETAIL", weight: 45)]),
            total: total)
        let offset = options.utcOffset
        let history = state.feed.stateChanges
        let withServerCell = serverCell()
        let banner = terraformStateBanner()
        if rect.height < 3 {
            // Collapsed to one line: the pane says why it is empty and leaves its room to the others.
            let focused = state.ui.focus == .state
            let used = canvas.draw(" State ", x: rect.x, y: rect.y, style: style(focused ? .titleFocused : .title), maxWidth: rect.width)
            canvas.draw(banner?.0 ?? "", x: rect.x + used + 1, y: rect.y, style: style(.dim), maxWidth: rect.width - used - 1)
            return
        }
        listPane(rect, pane: .state, history: history, rows: rows - (banner == nil ? 0 : 1), columns: columns, banner: banner) { change in
            withServerCell(change.server, [
                (Timestamp.clock(change.time, utcOffset: offset), .dim), (change.action, .text), (change.resource, .text), (change.detail, .dim),
            ])
        }
    }

    /// The server's Terraform state in one line, over the State pane's list.
    func terraformStateBanner() -> (String, Role)? {
        // Several servers: the one the screen shows, else the first, named.
        let shown = state.ui.serverScope ?? 0
        let whose = state.isMultiServer ? "\(state.serverName(shown)): " : ""
        switch state.servers[shown].rest.terraformState {
        case nil: return nil
        case .notLoaded: return (whose + "no Terraform state loaded on the server", .dim)
        case .failed(let why): return (whose + "state summary: \(why)", .warning)
        case .loaded(let s):
            var parts = ["serial \(s.serial.map(String.init) ?? "?")", "\(s.resourceCount.map(Format.count) ?? "?") resources"]
            if !s.terraformVersion.isEmpty { parts.append("tf \(s.terraformVersion)") }
            if !s.lineage.isEmpty { parts.append("lineage \(s.lineage)") }
            return (whose + parts.joined(separator: " \(glyphs.ellipsisBar) "), .title)
        }
    }

    // MARK: - Status bar

    mutating func statusBar(_ rect: Rect) {
        canvas.fill(rect, style: style(.statusBar))
        // With one server its link is the status bar's first word; with several, one mark each replaces it.
        let only = state.servers[0]
        let c = only.connection
        let phase: (String, Role)
        switch c.phase {
        case .idle: phase = (" idle ", .statusWarn)
        case .connecting:
            phase = (" \(glyphs.pending) CONNECTING\(c.attempt > 0 ? " · attempt \(c.attempt + 1)" : "") ", .statusWarn)
        case .open:
            var text = " \(glyphs.bullet) OPEN "
            if let rtt = c.roundTrip { text += "· rtt \(Format.milliseconds(rtt)) ms " }
            if let last = c.lastFrameAt, state.now - last >= 5 { text += "· last msg \(Format.countdown(state.now - last)) ago " }
            phase = (text, .statusGood)
        case .backingOff(let until):
            let retry = "in \(Format.countdown(until - state.now)) · attempt \(c.attempt + 1)"
            phase = only.rest.polling
                ? (" POLLING — WebSocket unavailable · retry \(retry) ", .statusWarn)
                : (" RECONNECTING \(retry) ", .statusWarn)
        case .stopped(let reason): phase = (" STOPPED: \(Wording.stopReason(reason, retryKey: true)) ", .statusBad)
        }
        var segments: [(text: String, role: Role, priority: Int)] = [(phase.0, phase.1, 0)]
        let multi = state.isMultiServer
        // The server's own sight, beside the link and told apart from it: the link can be open while it is blind.
        let blind = ServerMark.readiness(only, glyphs: glyphs)
        if !multi, !blind.isEmpty { segments.append((blind, .statusBad, 0)) }
        if multi {
            // One mark per server instead of one link's phase; the details are in the connections view (c).
            segments = state.servers.indices.map { index in
                let mark = ServerMark.text(state, index, glyphs: glyphs)
                return (mark.text, mark.role, 0)
            }
            segments[0].text = " " + segments[0].text
            if let scope = state.ui.serverScope { segments.append(("only \(state.serverName(scope)) · S all", .statusWarn, 0)) }
        }
        if let replay = state.ui.replay { segments.insert(Painter.replayText(replay, offset: options.utcOffset), at: 0) }
        let unverified = state.servers.indices.filter { state.servers[$0].settings.tlsUnverified }
        if !unverified.isEmpty {
            let names = multi ? " (\(unverified.map { state.serverName($0) }.joined(separator: ", ")))" : ""
            segments.append(("TLS NOT VERIFIED\(names)", .stale, 0))
        }
        if let notice = state.ui.notice, state.now - notice.at < Notice.shownFor {
            let text = Wording.noticeText(notice)
            segments.append((text.0, text.1, 0))
        }
        if state.ui.editingFilter {
            filterLine(rect)
            return
        }
        if state.ui.pausedAt != nil { segments.append(("PAUSED · Space resumes", .statusBad, 0)) }
        if let minimum = state.ui.minimumSeverity { segments.append(("sev ≥ \(minimum.label)", .statusWarn, 1)) }
        let topics = multi && state.ui.serverScope == nil
            ? Painter.topicSummaryOfAll(state, glyphs: glyphs)
            : Painter.topicSummary(state, state.ui.serverScope ?? 0, glyphs: glyphs)
        segments.append((topics, .statusBar, 1))
        segments.append(("rx \(Format.count(state.diagnostics.messagesReceived))", .statusBar, 2))
        if !multi, !c.outbox.isEmpty || state.diagnostics.outboxDropped > 0 {
            let dropped = state.diagnostics.outboxDropped
            segments.append(("outbox \(c.outbox.count)\(dropped > 0 ? " (\(dropped) dropped)" : "")", .statusWarn, 2))
        }
        if let gap = state.feed.gaps.last {
            let whose = multi ? state.serverName(gap.server) + " " : ""
            segments.append((whose + Painter.gapText(gap, offset: options.utcOffset), .statusWarn, 3))
        } else if !multi, let open = only.rest.openGap {
            segments.append(("gap since \(Timestamp.clock(open.start, utcOffset: options.utcOffset))", .statusWarn, 3))
        }
        if !multi, let problem = only.rest.historyProblem {
            segments.append(("no history: \(problem)", .statusWarn, 3))
        }
        // Why the link is down matters more than anything but the phase and topics.
        if !multi, let reason = c.lastCloseReason, c.phase != .open {
            segments.append(("last close: \(reason)", .statusWarn, 2))
        }
        let d = state.diagnostics
        if d.errorCount > 0 || d.unknown > 0 || d.unrequestedAcks > 0 {
            var text = "err \(d.errorCount)"
            if d.unknown > 0 { text += " · \(d.unknown) unknown" }
            if d.unrequestedAcks > 0 { text += " · \(d.unrequestedAcks) unasked acks" }
            if let last = d.lastError { text += ": \(last)" }
            segments.append((text, d.errorCount > 0 ? .statusBad : .statusWarn, 3))
        }
        if multi {
            segments.append(("c connections", .statusBar, 4))
        } else {
            var server = c.url
            if let dialect = c.dialect {
                // The welcome's version is stale on the real server ("0.9.0"); /health tells the truth.
                let version = only.rest.serverVersion ?? c.serverVersion
                server += " (\(dialect.rawValue)\(version.isEmpty ? "" : " v\(version)"))"
            } else if let version = only.rest.serverVersion {
                server += " (v\(version))"
            }
            segments.append((server, .statusBar, 4))
        }
        // Drop the least important segments until the rest fits; the phase always stays.
        var kept = segments
        func width(_ list: [(text: String, role: Role, priority: Int)]) -> Int {
            list.map { TextWidth.width(of: $0.text) }.reduce(0, +) + 3 * max(0, list.count - 1)
        }
        while width(kept) > rect.width, kept.count > 1 {
            let drop = kept.indices.dropFirst().max { kept[$0].priority < kept[$1].priority }!
            // A long segment is shortened before it is dropped: part of a reason beats none.
            let others = width(kept.enumerated().filter { $0.offset != drop }.map(\.element)) + 3
            if TextWidth.width(of: kept[drop].text) > 24, rect.width - others >= 16 {
                kept[drop].text = Painter.shortened(kept[drop].text, to: rect.width - others)
                break
            }
            kept.remove(at: drop)
        }
        var x = rect.x
        for (i, segment) in kept.enumerated() {
            if i > 0 { x += canvas.draw(" \(glyphs.separator) ", x: x, y: rect.y, style: style(.statusBar)) }
            x += canvas.draw(segment.text, x: x, y: rect.y, style: style(segment.role), maxWidth: rect.maxX - x)
        }
    }

    /// A status segment made to fit: an aside in parentheses goes first (`(real v0.14.0)`), then the middle of an
    /// address or path (it keeps its port and `/ws`, its file name) or the end of other text.
    static func shortened(_ text: String, to cells: Int) -> String {
        var main = text
        if let aside = text.ranges(of: " (").last, text.hasSuffix(")") {
            main = String(text[..<aside.lowerBound])
        }
        // Only addresses and paths lose their middle; other text keeps its start, which says what it is.
        return main.contains("/") ? TextWidth.truncateMiddle(main, to: cells) : TextWidth.truncate(main, to: cells)
    }

    /// `REPLAY 30× 02:14:07 (43%)`, then PAUSED, END or where a damaged recording stopped.
    static func replayText(_ replay: ReplayStatus, offset: Int) -> (text: String, role: Role, priority: Int) {
        let speed = replay.speed.map { speed in
            let tenths = Checked.clamped((speed * 10).rounded(), to: 0...10_000_000)
            return tenths % 10 == 0 ? "\(Format.count(tenths / 10))×" : "\(tenths / 10).\(tenths % 10)×"
        } ?? "max"
        let percent = Checked.clamped((replay.fraction * 100).rounded(.down), to: 0...100)
        var text = " REPLAY \(speed) \(Timestamp.clock(replay.at, utcOffset: offset)) (\(percent)%)"
        if let stopped = replay.stoppedAt {
            text += " · stopped at \(stopped) "
            return (text, .statusBad, 0)
        }
        text += replay.ended ? " · END " : replay.paused ? " · PAUSED " : " "
        return (text, .statusWarn, 0)
    }

    /// The filter being typed, with invalid terms marked: `/ sev:crit type:aws_iam* bogus:x ← unknown field bogus`.
    mutating func filterLine(_ rect: Rect) {
        canvas.fill(rect, style: style(.statusBar))
        let filter = state.ui.filters[state.ui.focus] ?? Filter("")
        var x = rect.x
        x += canvas.draw("/ ", x: x, y: rect.y, style: style(.statusGood), maxWidth: rect.maxX - x)
        for term in filter.terms where x < rect.maxX {
            let role: Role = term.test == nil ? .statusBad : .statusBar
            x += canvas.draw(term.text, x: x, y: rect.y, style: style(role), maxWidth: rect.maxX - x)
            x += canvas.draw(" ", x: x, y: rect.y, style: style(.statusBar), maxWidth: rect.maxX - x)
        }
        x += canvas.draw("█", x: x, y: rect.y, style: style(.statusBar), maxWidth: rect.maxX - x)
        let shown = state.visibleCount(state.ui.focus)
        let keys = KeyHints.line([(.submitText, "keeps"), (.cancelText, "back")], in: .filter, room: 40)
        var hint = "  \(Format.count(shown)) shown · " + keys
        if let problem = filter.invalidTerms.first?.problem { hint = "  ← \(problem), ignored" + hint }
        canvas.draw(hint, x: x, y: rect.y, style: style(filter.invalidTerms.isEmpty ? .statusBar : .statusWarn), maxWidth: rect.maxX - x)
    }

    /// `drifts✓ events… state✓ stats·local`: each topic server `index` should send, with what it said about it.
    static func topicSummary(_ state: State, _ index: Int, glyphs: Glyphs) -> String {
        let server = state.servers[index]
        let topics = server.desiredTopics.sorted()
        if topics.isEmpty { return "no topics" }
        return topics.map { $0.rawValue + topicMark(server, $0, glyphs: glyphs) }.joined(separator: " ")
    }

    /// With several servers and none chosen: `all: drifts✓1/2 events✓ state…`, each topic with how many of the
    /// servers that want it acknowledged it (else the least settled mark), so one server's marks are never shown
    /// as if they were everyone's.
    static func topicSummaryOfAll(_ state: State, glyphs: Glyphs) -> String {
        let topics = state.servers.reduce(into: Set<Topic>()) { $0.formUnion($1.desiredTopics) }.sorted()
        if topics.isEmpty { return "all: no topics" }
        let order = [glyphs.check, glyphs.ellipsisBar + "local", glyphs.pending, glyphs.ellipsisBar]
        return "all: " + topics.map { topic -> String in
            let marks = state.servers.filter { $0.desiredTopics.contains(topic) }.map { topicMark($0, topic, glyphs: glyphs) }
            let acked = marks.filter { $0 == glyphs.check }.count
            if acked > 0, acked < marks.count { return topic.rawValue + glyphs.check + "\(acked)/\(marks.count)" }
            let worst = marks.max { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) } ?? glyphs.ellipsisBar
            return topic.rawValue + worst
        }.joined(separator: " ")
    }

    /// ✓ acknowledged, … sent, ·off while the link is not subscribed, ·local for a topic the server has no stream for.
    static func topicMark(_ server: ServerState, _ topic: Topic, glyphs: Glyphs) -> String {
        guard server.connection.phase == .open, server.connection.subscribed else { return glyphs.ellipsisBar }
        let names = server.wireNames(for: topic)
        if names.isEmpty { return glyphs.ellipsisBar + "local" }
        return names.allSatisfy { server.connection.subscriptions[$0] == .acknowledged } ? glyphs.check : glyphs.pending
    }

    // MARK: - Help

    /// Every binding of the one table, grouped by where it applies.
    mutating func helpOverlay(size: Size) {
        var lines: [(String, Role)] = []
        let width = Bindings.table.map { TextWidth.width(of: $0.label) }.max() ?? 8
        if state.ui.replay != nil {
            lines.append(("Replay", .columnHeader))
            for control in ReplayControl.allCases { lines.append((TextWidth.fit(control.label, width) + "  " + control.help, .text)) }
        }
        // The war room lists its own keys only; the dashboard every context but the war room's.
        let contexts = state.ui.kiosk != nil ? [BindingContext.kiosk] : BindingContext.allCases.filter { $0 != .kiosk }
        for context in contexts {
            let rows = Bindings.table.filter { $0.context == context }
            guard !rows.isEmpty else { continue }
            if !lines.isEmpty { lines.append(("", .text)) }
            lines.append((context.title, .columnHeader))
            for row in rows { lines.append((TextWidth.fit(row.label, width) + "  " + row.help, .text)) }
        }
        lines.append(("", .text))
        lines.append(("topics: ✓ acked … sent · off", .dim))
        // As many columns as the height needs and the width allows; the rest is cut with a note.
        let rowsAvailable = max(1, size.height - 4)
        let columnWidth = (lines.map { TextWidth.width(of: $0.0) }.max() ?? 0) + 2
        let columns = max(1, min((lines.count + rowsAvailable - 1) / rowsAvailable, max(1, (size.width - 4) / columnWidth)))
        let rowsUsed = min(rowsAvailable, (lines.count + columns - 1) / columns)
        let boxWidth = min(size.width - 2, columns * columnWidth + 3)
        let boxHeight = min(size.height - 2, rowsUsed + 2)
        let rect = Layout.centered(width: boxWidth, height: boxHeight, in: Rect(x: 0, y: 0, width: size.width, height: size.height))
        canvas.fill(rect, style: style(.text))
        // What does not fit is paged: Space shows the next page (and wraps), any other key closes.
        let perPage = max(1, columns * rect.inner.height)
        let pages = (lines.count + perPage - 1) / perPage
        let page = ((state.ui.helpPage % pages) + pages) % pages
        let note = pages > 1 ? "\(page + 1)/\(pages) · Space more · any other key closes" : "any key closes"
        box(rect, title: "Keys", note: note, focused: true)
        for (i, line) in lines.dropFirst(page * perPage).enumerated() {
            let column = i / max(1, rect.inner.height), row = i % max(1, rect.inner.height)
            guard column < columns else { break }
            let x = rect.inner.x + 1 + column * columnWidth
            canvas.draw(line.0, x: x, y: rect.inner.y + row, style: style(line.1), maxWidth: min(columnWidth - 1, rect.inner.maxX - x))
        }
    }

}
