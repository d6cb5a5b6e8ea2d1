import TFDriftCore
import TFDriftWire

/// The war-room screen: a clock, a banner that cannot be missed when the data stops, severity counters sized
/// for a wall, the newest critical drifts in full width, and the Drifts and Events panes with a highlight that
/// moves on by itself.
struct KioskScreen {
    let state: State
    let kiosk: KioskState
    let options: RenderOptions

    func draw(_ painter: inout Painter, size: Size) {
        let tall = size.height >= 30 && size.width >= 80
        // The counters grow with the screen (a third of a tall one: digits read from across the room); the
        // newest critical drifts take the rows they fill, up to two fifths of what is left, the panes the rest.
        var counterHeight = tall ? max(9, size.height / 3) : 4
        // Several servers: tall enough for a row of block digits each (and the total) when that takes at most half.
        let perServer = (state.servers.count + 1) * (BigDigits.height + 1) + 3
        if tall, state.isMultiServer, perServer <= size.height / 2 { counterHeight = max(counterHeight, perServer) }
        let bannerHeight = tall ? 3 : 1
        let left = max(0, size.height - 2 - bannerHeight - counterHeight)
        // Looked up once a frame: the box is sized to them, then lists them.
        let newest = newestCriticals(limit: max(1, left * 2 / 5 - 2))
        let rows = Layout.split(
            Rect(x: 0, y: 0, width: size.width, height: size.height), .vertical,
            [.fixed(1), .fixed(bannerHeight), .fixed(counterHeight), .fixed(max(1, newest.count) + 2), .fill(1), .fixed(1)])
        header(&painter, rows[0])
        banner(&painter, rows[1])
        counters(&painter, rows[2], big: tall)
        criticals(&painter, rows[3], newest)
        let panes = Layout.split(rows[4], .horizontal, [.fill(1), .fill(1)])
        painter.driftsPane(panes[0], rows: max(1, panes[0].height - 3))
        painter.eventsPane(panes[1], rows: max(1, panes[1].height - 3))
        status(&painter, rows[5])
    }

    func header(_ painter: inout Painter, _ rect: Rect) {
        painter.canvas.fill(rect, style: painter.style(.headerBar))
        painter.canvas.draw(" TFDRIFT · WAR ROOM ", x: rect.x, y: rect.y, style: painter.style(.headerBar).with(bold: true), maxWidth: rect.width)
        let clock = " " + Timestamp.clock(state.now, utcOffset: options.utcOffset) + " "
        let server = state.isMultiServer ? " \(state.servers.indices.map { state.serverName($0) }.joined(separator: " · ")) " : " \(state.servers[0].connection.url) "
        let clockWidth = TextWidth.width(of: clock)
        painter.canvas.draw(clock, x: rect.maxX - clockWidth, y: rect.y, style: painter.style(.headerBar).with(bold: true), maxWidth: clockWidth)
        let serverWidth = TextWidth.width(of: server)
        if rect.width - clockWidth - serverWidth > 22 {
            painter.canvas.draw(server, x: rect.maxX - clockWidth - serverWidth, y: rect.y, style: painter.style(.headerBar), maxWidth: serverWidth)
        }
    }

    /// `DATA STALE · last message 2m 10s ago · reconnecting (attempt 5)` across the full width in the alarm
    /// colours while the data is not flowing; a quiet line saying it is live otherwise.
    func banner(_ painter: inout Painter, _ rect: Rect) {
        let stale = state.staleServers(after: kiosk.settings.staleAfter)
        if state.isMultiServer, !stale.isEmpty {
            painter.canvas.fill(rect, style: painter.style(.stale))
            let text = KioskScreen.staleText(stale, state: state)
            let x = rect.x + max(0, (rect.width - TextWidth.width(of: text)) / 2)
            painter.canvas.draw(text, x: x, y: rect.y + rect.height / 2, style: painter.style(.stale), maxWidth: rect.maxX - x)
            return
        }
        if stale.isEmpty, let blind = KioskScreen.blindText(state, utcOffset: options.utcOffset) {
            // Data flows, but a server cannot see: as loud as stale data, and said apart from it.
            painter.canvas.fill(rect, style: painter.style(.stale))
            let x = rect.x + max(0, (rect.width - TextWidth.width(of: blind)) / 2)
            painter.canvas.draw(blind, x: x, y: rect.y + rect.height / 2, style: painter.style(.stale), maxWidth: rect.maxX - x)
            return
        }
        guard let staleness = stale.first?.staleness else {
            let last = state.servers.compactMap(\.connection.lastFrameAt).max()
            let age = last.map { " · last message \(Format.age(state.now - $0)) ago" } ?? ""
            painter.canvas.draw(" \(options.glyphs.bullet) LIVE\(age)", x: rect.x, y: rect.y + rect.height / 2, style: painter.style(.dim), maxWidth: rect.width)
            return
        }
        painter.canvas.fill(rect, style: painter.style(.stale))
        let text = KioskScreen.staleText(staleness, state: state)
        let width = TextWidth.width(of: text)
        let x = rect.x + max(0, (rect.width - width) / 2)
        painter.canvas.draw(text, x: x, y: rect.y + rect.height / 2, style: painter.style(.stale), maxWidth: rect.maxX - x)
    }

    /// `SERVER BLIND: prod — falco disconnected since 14:02 (runtime events cannot arrive)`; nil while every server sees.
    static func blindText(_ state: State, utcOffset: Int) -> String? {
        let blind = state.servers.indices.compactMap { index -> String? in
            let readiness = state.servers[index].rest.readiness
            guard case .degraded(_, let since) = readiness else { return nil }
            let failing = ReadinessCheck.words(readiness.failing)
            let what = (failing.isEmpty ? "degraded" : failing) + " since " + Timestamp.clock(since, utcOffset: utcOffset)
            return state.isMultiServer ? "\(state.serverName(index)) — \(what)" : what
        }
        guard !blind.isEmpty else { return nil }
        return "SERVER BLIND: " + blind.joined(separator: "; ") + " (runtime events cannot arrive)"
    }

    /// `DATA STALE: staging (2m 10s), dev (down)`: which servers, and for how long or why.
    static func staleText(_ stale: [(server: Int, staleness: Staleness)], state: State) -> String {
        let parts = stale.map { entry -> String in
            let why: String
            switch entry.staleness {
            case .silent(let seconds): why = Format.age(seconds)
            case .polling: why = "polling"
            case .down(.stopped): why = "stopped"
            case .down:
                let last = state.servers[entry.server].connection.lastFrameAt
                why = last.map { "down \(Format.age(state.now - $0))" } ?? "down"
            }
            return "\(state.serverName(entry.server)) (\(why))"
        }
        return "DATA STALE: " + parts.joined(separator: ", ")
    }

    static func staleText(_ staleness: Staleness, state: State) -> String {
        var parts = ["DATA STALE"]
        // With several servers: the newest message of any, and the highest attempt count.
        if let last = state.servers.compactMap(\.connection.lastFrameAt).max() {
            parts.append("last message \(Format.age(state.now - last)) ago")
        } else {
            parts.append("no data yet")
        }
        let attempt = state.servers.map(\.connection.attempt).max() ?? 0
        switch staleness {
        case .silent: parts.append("link open but silent")
        case .polling: parts.append("WebSocket unavailable, polling REST")
        case .down(let phase):
            switch phase {
            case .backingOff(let until): parts.append("reconnecting in \(Format.countdown(until - state.now)) (attempt \(attempt + 1))")
            case .connecting: parts.append("connecting (attempt \(attempt + 1))")
            case .stopped(let reason): parts.append("stopped: \(Wording.stopReason(reason, retryKey: false))")
            case .idle, .open: parts.append("link down")
            }
        }
        return parts.joined(separator: " · ")
    }

    static let counted: [Severity] = [.critical, .high, .medium, .low]

    func counters(_ painter: inout Painter, _ rect: Rect, big: Bool) {
        // Several servers and room for them: one row of counters per server, named, under the totals' colours.
        if state.isMultiServer, rect.height >= state.servers.count + 4, rect.width >= 60 {
            serverCounters(&painter, rect)
            return
        }
        let boxes = Layout.split(rect, .horizontal, KioskScreen.counted.map { _ in .fill(1) })
        for (severity, box) in zip(KioskScreen.counted, boxes) {
            let count = state.feed.stats.severityCounts[severity] ?? 0
            painter.box(box, title: severity.label.uppercased(), note: "", focused: false)
            let inner = box.inner
            let text = Format.compact(count)
            let style = painter.style(.severity(severity))
            if big { bigNumber(&painter, text, in: inner, style: style) } else { plainNumber(&painter, text, in: inner, style: style) }
        }
    }

    /// A number in block digits as large as fit `rect` (centred), or plain when not even the smallest fit.
    func bigNumber(_ painter: inout Painter, _ text: String, in rect: Rect, style: Style) {
        guard let scale = BigDigits.largestScale(of: text, width: rect.width, height: rect.height) else {
            return plainNumber(&painter, text, in: rect, style: style)
        }
        let x = rect.x + (rect.width - BigDigits.width(of: text, scale: scale)) / 2
        let y = rect.y + (rect.height - BigDigits.height * scale) / 2
        for (row, line) in BigDigits.rows(of: text, pixel: options.glyphs.barFull, scale: scale).enumerated() {
            painter.canvas.draw(line, x: x, y: y + row, style: style, maxWidth: rect.maxX - x)
        }
    }

    func plainNumber(_ painter: inout Painter, _ text: String, in rect: Rect, style: Style) {
        let x = rect.x + max(0, (rect.width - TextWidth.width(of: text)) / 2)
        painter.canvas.draw(text, x: x, y: rect.y + rect.height / 2, style: style.with(bold: true), maxWidth: rect.maxX - x)
    }

    func serverCounters(_ painter: inout Painter, _ rect: Rect) {
        painter.box(rect, title: "By server", note: "", focused: false)
        let inner = rect.inner
        let nameWidth = min(16, max(6, ServerCounts.widestName(state)))
        let cell = max(6, (inner.width - nameWidth - 2) / KioskScreen.counted.count)
        // One row per server (a stale one in the alarm colour), then the total.
        let rows = ServerCounts.rows(state) { state.staleness(ofServer: $0, after: kiosk.settings.staleAfter) != nil ? .stale : .title }
        // Room for block digits in every row: each server's counts as large as the room lets them be, centred
        // under centred titles; plain figures are right-aligned under theirs.
        let rowHeight = rows.isEmpty ? 0 : (inner.height - 1) / rows.count
        let big = rowHeight >= BigDigits.height + 1
        var x = inner.x + 1 + nameWidth + 1
        for severity in KioskScreen.counted {
            let label = severity.label.uppercased()
            let text = big ? String(repeating: " ", count: max(0, (cell - 1 - label.count) / 2)) + label : TextWidth.fit(label, cell, alignRight: true)
            painter.canvas.draw(text, x: x, y: inner.y, style: painter.style(.columnHeader), maxWidth: inner.maxX - x)
            x += cell
        }
        if big {
            for (offset, row) in rows.enumerated() {
                let y = inner.y + 1 + offset * rowHeight
                painter.canvas.draw(TextWidth.fit(row.name, nameWidth), x: inner.x + 1, y: y + rowHeight / 2, style: painter.style(row.role), maxWidth: nameWidth)
                var cx = inner.x + 1 + nameWidth + 1
                for severity in KioskScreen.counted {
                    let count = Format.compact(row.stats.severityCounts[severity] ?? 0)
                    bigNumber(&painter, count, in: Rect(x: cx, y: y, width: cell - 1, height: rowHeight - 1), style: painter.style(.severity(severity)))
                    cx += cell
                }
            }
            return
        }
        for (offset, row) in rows.enumerated() where inner.y + 1 + offset < inner.maxY {
            let y = inner.y + 1 + offset
            painter.canvas.draw(TextWidth.fit(row.name, nameWidth), x: inner.x + 1, y: y, style: painter.style(row.role), maxWidth: nameWidth)
            var cx = inner.x + 1 + nameWidth + 1
            for severity in KioskScreen.counted {
                let count = row.stats.severityCounts[severity] ?? 0
                painter.canvas.draw(TextWidth.fit(Format.compact(count), cell, alignRight: true), x: cx, y: y, style: painter.style(.severity(severity)).with(bold: true), maxWidth: inner.maxX - cx)
                cx += cell
            }
        }
    }

    /// Up to `limit` of the newest critical drifts, newest first (looking at the newest 5,000 drifts at most).
    func newestCriticals(limit: Int) -> [DriftRecord] {
        var found: [DriftRecord] = []
        var seq = state.feed.drifts.newestSeq ?? -1
        let oldest = state.feed.drifts.oldestSeq ?? 0
        var scanned = 0
        while found.count < limit, seq >= oldest, scanned < 5_000 {
            if let d = state.feed.drifts[seq], d.severity == .critical { found.append(d) }
            seq -= 1
            scanned += 1
        }
        return found
    }

    /// The newest critical drifts, one per row across the full width (as many as the box holds).
    func criticals(_ painter: inout Painter, _ rect: Rect, _ newest: [DriftRecord]) {
        painter.box(rect, title: "Newest critical drifts", note: "", focused: false)
        let inner = rect.inner
        guard inner.height > 0, inner.width > 2 else { return }
        var y = inner.y
        for d in newest.prefix(inner.height) {
            let resource = d.resourceName.isEmpty ? "\(d.resourceType) \(d.resourceID)" : "\(d.resourceType).\(d.resourceName)"
            let time = d.history ? "history " : Timestamp.clock(d.time, utcOffset: options.utcOffset)
            let whose = state.isMultiServer ? "\(state.serverName(d.server))  " : ""
            let line = "\(whose)\(time)  \(resource)  \(d.attribute)  \(d.oldValue) \(options.glyphs.arrow) \(d.newValue)  \(d.user)"
            painter.canvas.draw(TextWidth.truncate(line, to: inner.width - 1), x: inner.x + 1, y: y, style: painter.style(.severity(.critical)), maxWidth: inner.width - 1)
            y += 1
        }
        if y == inner.y {
            painter.canvas.draw("none so far", x: inner.x + 1, y: y, style: painter.style(.dim), maxWidth: inner.width - 1)
        }
    }

    func status(_ painter: inout Painter, _ rect: Rect) {
        painter.canvas.fill(rect, style: painter.style(.statusBar))
        if kiosk.confirmingQuit {
            painter.canvas.draw(" Quit the war-room screen? y quits, any other key stays ", x: rect.x, y: rect.y, style: painter.style(.statusBad), maxWidth: rect.width)
            return
        }
        // One server: its link, round trip and reconnects; several: a mark each (their details are in `c`).
        let c = state.servers[0].connection
        let multi = state.isMultiServer
        var phase = c.phase == .open ? " \(options.glyphs.bullet) OPEN " : " \(c.phase.label.uppercased()) "
        if state.isMultiServer {
            phase = " " + state.servers.indices.map { ServerMark.text(state, $0, glyphs: options.glyphs).text }.joined(separator: "  ") + " "
        }
        var text = phase + "\(options.glyphs.separator) rx \(Format.count(state.diagnostics.messagesReceived))"
        if !multi, let rtt = c.roundTrip { text += " \(options.glyphs.separator) rtt \(Format.milliseconds(rtt)) ms" }
        if !multi, c.opens > 1 { text += " \(options.glyphs.separator) \(Format.count(c.opens - 1)) reconnects" }
        painter.canvas.draw(text, x: rect.x, y: rect.y, style: painter.style(state.servers.allSatisfy { $0.connection.phase == .open } ? .statusGood : .statusWarn), maxWidth: rect.width)
        let quit = Bindings.label(of: .quit, in: .kiosk) ?? "q", help = Bindings.label(of: .toggleHelp, in: .kiosk) ?? "?"
        let hint = " kiosk · \(quit) then y quits · \(help) help "
        let w = TextWidth.width(of: hint)
        if rect.width - TextWidth.width(of: text) > w + 2 {
            painter.canvas.draw(hint, x: rect.maxX - w, y: rect.y, style: painter.style(.statusBar), maxWidth: w)
        }
    }
}

/// Digits five cells tall, drawn with block characters, for counters read from across a room.
enum BigDigits {
    static let height = 5
    static let font: [Character: [String]] = [
        "0": ["###", "# #", "# #", "# #", "###"], "1": [" # ", "## ", " # ", " # ", "###"],
        "2": ["###", "  #", "###", "#  ", "###"], "3": ["###", "  #", " ##", "  #", "###"],
        "4": ["# #", "# #", "###", "  #", "  #"], "5": ["###", "#  ", "###", "  #", "###"],
        "6": ["###", "#  ", "###", "# #", "###"], "7": ["###", "  #", "  #", "  #", "  #"],
        "8": ["###", "# #", "###", "# #", "###"], "9": ["###", "# #", "###", "  #", "###"],
        ".": ["   ", "   ", "   ", "   ", " # "], "k": ["#  ", "# #", "## ", "# #", "# #"],
        "M": ["# #", "###", "# #", "# #", "# #"],
    ]

    /// At `scale`, every dot of the font is `scale` cells wide and `scale` rows tall, and so is the gap.
    static func width(of text: String, scale: Int = 1) -> Int { max(0, text.count * 4 * scale - scale) }

    /// The largest scale (up to 8) at which `text` fits `width` × `height` cells; nil when not even 1 does.
    static func largestScale(of text: String, width: Int, height: Int) -> Int? {
        (1...8).last { self.width(of: text, scale: $0) <= width && self.height * $0 <= height }
    }

    static func rows(of text: String, pixel: String, scale: Int = 1) -> [String] {
        (0..<height).flatMap { row in
            let line = text.map { ch in (font[ch] ?? ["   ", "   ", "   ", "   ", "   "])[row] }.joined(separator: " ")
                .map { String(repeating: $0 == "#" ? pixel : " ", count: scale) }.joined()
            return Array(repeating: line, count: scale)
        }
    }
}
