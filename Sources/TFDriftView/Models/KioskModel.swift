import TFDriftCore
import TFDriftWire

extension State {
    /// The war room for a screen of `size`: where each part goes (the counters grow with the screen, the newest
    /// critical drifts take the rows they fill) and what each says.
    func kioskModel(_ kiosk: KioskState, size: Size, options: RenderOptions) -> KioskModel {
        let tall = size.height >= 30 && size.width >= 80
        // The counters grow with the screen (a third of a tall one: digits read from across the room); the
        // newest critical drifts take the rows they fill, up to two fifths of what is left, the panes the rest.
        var counterHeight = tall ? max(9, size.height / 3) : 4
        // Several servers: tall enough for a row of block digits each (and the total) when that takes at most half.
        let perServer = (servers.count + 1) * (BigDigits.height + 1) + 3
        if tall, isMultiServer, perServer <= size.height / 2 { counterHeight = max(counterHeight, perServer) }
        let bannerHeight = tall ? 3 : 1
        let left = max(0, size.height - 2 - bannerHeight - counterHeight)
        let criticals = newestCriticals(limit: max(1, left * 2 / 5 - 2), options: options)
        let rows = Layout.split(
            Rect(x: 0, y: 0, width: size.width, height: size.height), .vertical,
            [.fixed(1), .fixed(bannerHeight), .fixed(counterHeight), .fixed(max(1, criticals.count) + 2), .fill(1), .fixed(1)])
        let panes = Layout.split(rows[4], .horizontal, [.fill(1), .fill(1)])
        let counters: KioskModel.Counters = isMultiServer && rows[2].height >= servers.count + 4 && rows[2].width >= 60
            ? .perServer(serverCountRows { staleness(ofServer: $0, after: kiosk.settings.staleAfter) != nil ? .stale : .title }, nameWidth: min(16, max(6, widestServerName)))
            : .totals(feed.stats.severityCounts)
        return KioskModel(
            header: rows[0], banner: rows[1], counters: rows[2], criticals: rows[3], status: rows[5],
            clock: Timestamp.clock(now, utcOffset: options.utcOffset),
            servers: isMultiServer ? servers.indices.map { serverName($0) }.joined(separator: " · ") : servers[0].connection.url,
            alarm: kioskAlarm(kiosk, options: options), live: kioskLive(options: options), counterValues: counters, big: tall,
            criticalLines: criticals,
            drifts: (panes[0], listPaneModel(ListPanes.drifts, in: panes[0], rows: max(1, panes[0].height - 3), options: options)),
            events: (panes[1], listPaneModel(ListPanes.events, in: panes[1], rows: max(1, panes[1].height - 3), options: options)),
            statusLine: kioskStatus(kiosk, options: options))
    }

    /// `DATA STALE · last message 2m 10s ago · reconnecting (attempt 5)` while the data is not flowing; `SERVER
    /// BLIND: …` while it flows but a server cannot see; nil while all is well.
    func kioskAlarm(_ kiosk: KioskState, options: RenderOptions) -> String? {
        let stale = staleServers(after: kiosk.settings.staleAfter)
        if isMultiServer, !stale.isEmpty {
            // `DATA STALE: staging (2m 10s), dev (down)`: which servers, and for how long or why.
            let parts = stale.map { entry -> String in
                let why: String
                switch entry.staleness {
                case .silent(let seconds): why = Format.age(seconds)
                case .polling: why = "polling"
                case .down(.stopped): why = "stopped"
                case .down:
                    let last = servers[entry.server].connection.lastFrameAt
                    why = last.map { "down \(Format.age(now - $0))" } ?? "down"
                }
                return "\(serverName(entry.server)) (\(why))"
            }
            return "DATA STALE: " + parts.joined(separator: ", ")
        }
        guard let staleness = stale.first?.staleness else { return blindText(utcOffset: options.utcOffset) }
        var parts = ["DATA STALE"]
        if let last = servers.compactMap(\.connection.lastFrameAt).max() {
            parts.append("last message \(Format.age(now - last)) ago")
        } else {
            parts.append("no data yet")
        }
        switch staleness {
        case .silent: parts.append("link open but silent")
        case .polling: parts.append("WebSocket unavailable, polling REST")
        case .down(let phase):
            // The highest attempt count of any server.
            let attempt = servers.map(\.connection.attempt).max() ?? 0
            parts.append(LinkWords.down(LinkWords.Link(phase: phase, attempt: attempt, polling: false, now: now)))
        }
        return parts.joined(separator: " · ")
    }

    /// `SERVER BLIND: prod — falco disconnected since 14:02 (runtime events cannot arrive)`; nil while every server sees.
    func blindText(utcOffset: Int) -> String? {
        let blind = servers.indices.compactMap { index -> String? in
            let readiness = servers[index].rest.readiness
            guard case .degraded(_, let since) = readiness else { return nil }
            let failing = ReadinessCheck.words(readiness.failing)
            let what = (failing.isEmpty ? "degraded" : failing) + " since " + Timestamp.clock(since, utcOffset: utcOffset)
            return isMultiServer ? "\(serverName(index)) — \(what)" : what
        }
        guard !blind.isEmpty else { return nil }
        return "SERVER BLIND: " + blind.joined(separator: "; ") + " (runtime events cannot arrive)"
    }

    /// ` ● LIVE · last message 3s ago`
    func kioskLive(options: RenderOptions) -> String {
        let last = servers.compactMap(\.connection.lastFrameAt).max()
        return " \(options.glyphs.bullet) LIVE" + (last.map { " · last message \(Format.age(now - $0)) ago" } ?? "")
    }

    /// Up to `limit` of the newest critical drifts, newest first, in a line each (looking at the newest 5,000
    /// drifts at most).
    func newestCriticals(limit: Int, options: RenderOptions) -> [String] {
        var found: [String] = []
        var seq = feed.drifts.newestSeq ?? -1
        let oldest = feed.drifts.oldestSeq ?? 0
        var scanned = 0
        while found.count < limit, seq >= oldest, scanned < 5_000 {
            if let d = feed.drifts[seq], d.severity == .critical {
                let resource = d.resourceName.isEmpty ? "\(d.resourceType) \(d.resourceID)" : "\(d.resourceType).\(d.resourceName)"
                let time = d.history ? "history " : Timestamp.clock(d.time, utcOffset: options.utcOffset)
                let whose = isMultiServer ? "\(serverName(d.server))  " : ""
                found.append("\(whose)\(time)  \(resource)  \(d.attribute)  \(d.oldValue) \(options.glyphs.arrow) \(d.newValue)  \(d.user)")
            }
            seq -= 1
            scanned += 1
        }
        return found
    }

    /// The war room's bottom line: its question after `q`, else the link (or a mark per server) and its keys.
    func kioskStatus(_ kiosk: KioskState, options: RenderOptions) -> KioskModel.Status {
        if kiosk.confirmingQuit {
            return .confirming(" Quit the war-room screen? \(Hints.kioskConfirm.text ?? ""), any other key stays ")
        }
        // One server: its link, round trip and reconnects; several: a mark each (their details are in `c`).
        let glyphs = options.glyphs
        let c = servers[0].connection
        var phase = c.phase == .open ? " \(glyphs.bullet) OPEN " : " \(LinkWords.name(c.phase).uppercased()) "
        if isMultiServer {
            phase = " " + servers.indices.map { serverMark($0, glyphs: glyphs).text }.joined(separator: "  ") + " "
        }
        var text = phase + "\(glyphs.separator) rx \(Format.count(diagnostics.messagesReceived))"
        if !isMultiServer, let rtt = c.roundTrip { text += " \(glyphs.separator) rtt \(Format.milliseconds(rtt)) ms" }
        if !isMultiServer, c.opens > 1 { text += " \(glyphs.separator) \(Format.count(c.opens - 1)) reconnects" }
        let quit = [Hints.kioskQuit.text, Hints.kioskConfirm.text].compactMap { $0 }.joined(separator: " ")
        let hint = " kiosk · \(quit) · \(Hints.kioskHelp.text ?? "") "
        return .line(text, good: servers.allSatisfy { $0.connection.phase == .open }, hint: hint)
    }
}
