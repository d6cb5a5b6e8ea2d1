import TFDriftCore
import TFDriftWire

// Every widget's model, built from the store: the one place where the screen reads `State`. Widgets draw from
// these models only, so each can be drawn and tested without a store.

extension State {
    func headerModel() -> HeaderModel {
        let topics = Topic.allCases.enumerated().map { index, topic in
            // On where a link command would act: the selected server, or any of them.
            (label: "\(index + 1) \(topic.rawValue)", on: linkTargets.contains { servers[$0].desiredTopics.contains(topic) })
        }
        return HeaderModel(topics: topics, hint: Hints.header.compactMap(\.text).joined(separator: "  "))
    }

    func statusBarModel(options: RenderOptions) -> StatusBarModel {
        typealias Segment = StatusBarModel.Segment
        let glyphs = options.glyphs
        // With one server its link is the status bar's first word; with several, one mark each replaces it.
        let only = servers[0]
        let c = only.connection
        var phase = LinkWords.line(LinkWords.Link(c, polling: only.rest.polling, now: now), glyphs: glyphs)
        if c.phase == .open {
            if let rtt = c.roundTrip { phase.text += "· rtt \(Format.milliseconds(rtt)) ms " }
            if let last = c.lastFrameAt, now - last >= 5 { phase.text += "· last msg \(Format.countdown(now - last)) ago " }
        }
        var segments = [Segment(text: phase.text, role: phase.role, priority: 0)]
        let multi = isMultiServer
        // The server's own sight, beside the link and told apart from it: the link can be open while it is blind.
        let blind = ServerMark.readiness(only, glyphs: glyphs)
        if !multi, !blind.isEmpty { segments.append(Segment(text: blind, role: .statusBad, priority: 0)) }
        if multi {
            // One mark per server instead of one link's phase; the details are in the connections view (c).
            segments = servers.indices.map { index in
                let mark = serverMark(index, glyphs: glyphs)
                return Segment(text: mark.text, role: mark.role, priority: 0)
            }
            segments[0].text = " " + segments[0].text
            if let scope = ui.serverScope {
                segments.append(Segment(text: "only \(serverName(scope))" + (Hints.allServers.text.map { " · " + $0 } ?? ""), role: .statusWarn, priority: 0))
            }
        }
        if let replay = ui.replay {
            let text = Wording.replay(replay, utcOffset: options.utcOffset)
            segments.insert(Segment(text: text.text, role: text.role, priority: 0), at: 0)
        }
        let unverified = servers.indices.filter { servers[$0].settings.tlsUnverified }
        if !unverified.isEmpty {
            let names = multi ? " (\(unverified.map { serverName($0) }.joined(separator: ", ")))" : ""
            segments.append(Segment(text: "TLS NOT VERIFIED\(names)", role: .stale, priority: 0))
        }
        if let notice = ui.notice, now - notice.at < Notice.shownFor {
            let text = Wording.noticeText(notice)
            segments.append(Segment(text: text.0, role: text.1, priority: 0))
        }
        if ui.editingFilter { return StatusBarModel(segments: segments, filter: filterLineModel()) }
        if ui.pausedAt != nil { segments.append(Segment(text: "PAUSED" + (Hints.resume.text.map { " · " + $0 } ?? ""), role: .statusBad, priority: 0)) }
        if let minimum = ui.minimumSeverity { segments.append(Segment(text: "sev ≥ \(minimum.label)", role: .statusWarn, priority: 1)) }
        let topics = multi && ui.serverScope == nil ? topicSummaryOfAll(glyphs: glyphs) : topicSummary(ui.serverScope ?? 0, glyphs: glyphs)
        segments.append(Segment(text: topics, role: .statusBar, priority: 1))
        segments.append(Segment(text: "rx \(Format.count(diagnostics.messagesReceived))", role: .statusBar, priority: 2))
        if !multi, !c.outbox.isEmpty || diagnostics.outboxDropped > 0 {
            let dropped = diagnostics.outboxDropped
            segments.append(Segment(text: "outbox \(c.outbox.count)\(dropped > 0 ? " (\(dropped) dropped)" : "")", role: .statusWarn, priority: 2))
        }
        if let gap = feed.gaps.last {
            let whose = multi ? serverName(gap.server) + " " : ""
            segments.append(Segment(text: whose + Wording.gap(gap, utcOffset: options.utcOffset), role: .statusWarn, priority: 3))
        } else if !multi, let open = only.rest.openGap {
            segments.append(Segment(text: "gap since \(Timestamp.clock(open.start, utcOffset: options.utcOffset))", role: .statusWarn, priority: 3))
        }
        if !multi, let problem = only.rest.historyProblem {
            segments.append(Segment(text: "no history: \(problem)", role: .statusWarn, priority: 3))
        }
        // Why the link is down matters more than anything but the phase and topics.
        if !multi, let reason = c.lastCloseReason, c.phase != .open {
            segments.append(Segment(text: "last close: \(reason)", role: .statusWarn, priority: 2))
        }
        let d = diagnostics
        if d.errorCount > 0 || d.unknown > 0 || d.unrequestedAcks > 0 {
            var text = "err \(d.errorCount)"
            if d.unknown > 0 { text += " · \(d.unknown) unknown" }
            if d.unrequestedAcks > 0 { text += " · \(d.unrequestedAcks) unasked acks" }
            if let last = d.lastError { text += ": \(Wording.problem(last, serverName: serverName))" }
            segments.append(Segment(text: text, role: d.errorCount > 0 ? .statusBad : .statusWarn, priority: 3))
        }
        if multi {
            segments.append(Segment(text: Hints.connections.text ?? "", role: .statusBar, priority: 4))
        } else {
            var server = c.url
            if let dialect = c.dialect {
                // The welcome's version is stale on the real server ("0.9.0"); /health tells the truth.
                let version = only.rest.serverVersion ?? c.serverVersion
                server += " (\(dialect.rawValue)\(version.isEmpty ? "" : " v\(version)"))"
            } else if let version = only.rest.serverVersion {
                server += " (v\(version))"
            }
            segments.append(Segment(text: server, role: .statusBar, priority: 4))
        }
        return StatusBarModel(segments: segments, filter: nil)
    }

    func filterLineModel() -> FilterLineModel {
        let filter = ui.filters[ui.focus] ?? Filter("")
        return FilterLineModel(
            terms: filter.terms.map { ($0.text, $0.test != nil) }, shown: visibleCount(ui.focus),
            problem: filter.invalidTerms.first?.problem, keys: KeyHints.line(Hints.filter, room: 40))
    }

    /// `drifts✓ events… state✓ stats·local`: each topic server `index` should send, with what it said about it.
    func topicSummary(_ index: Int, glyphs: Glyphs) -> String {
        let server = servers[index]
        let topics = server.desiredTopics.sorted()
        if topics.isEmpty { return "no topics" }
        return topics.map { $0.rawValue + State.topicMark(server, $0, glyphs: glyphs) }.joined(separator: " ")
    }

    /// With several servers and none chosen: `all: drifts✓1/2 events✓ state…`, each topic with how many of the
    /// servers that want it acknowledged it (else the least settled mark), so one server's marks are never shown
    /// as if they were everyone's.
    func topicSummaryOfAll(glyphs: Glyphs) -> String {
        let topics = servers.reduce(into: Set<Topic>()) { $0.formUnion($1.desiredTopics) }.sorted()
        if topics.isEmpty { return "all: no topics" }
        let order = [glyphs.check, glyphs.ellipsisBar + "local", glyphs.pending, glyphs.ellipsisBar]
        return "all: " + topics.map { topic -> String in
            let marks = servers.filter { $0.desiredTopics.contains(topic) }.map { State.topicMark($0, topic, glyphs: glyphs) }
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

    /// `prod ● falco✗`: server `index`'s name and link mark, then its failed readiness checks (a blind server is not
    /// a broken link, so the two are told apart).
    func serverMark(_ index: Int, glyphs: Glyphs) -> (text: String, role: Role) {
        let server = servers[index]
        let link = LinkWords.mark(LinkWords.Link(server.connection, polling: server.rest.polling, now: now), glyphs: glyphs)
        let blind = ServerMark.readiness(server, glyphs: glyphs)
        let text = "\(serverName(index)) \(link.text)"
        return blind.isEmpty ? (text, link.role) : (text + " " + blind, .statusBad)
    }

    /// Every binding of the one table, grouped by where it applies: the war room's own keys in the war room, else
    /// every context but the war room's (and the replay's keys while a recording plays).
    func helpModel() -> HelpModel {
        var lines: [(String, Role)] = []
        var contexts = ui.kiosk != nil ? [BindingContext.kiosk, .confirmQuit] : BindingContext.allCases.filter { $0 != .kiosk && $0 != .confirmQuit && $0 != .replay }
        if ui.replay != nil { contexts.insert(.replay, at: 0) }
        let width = Bindings.table.map { TextWidth.width(of: $0.label) }.max() ?? 8
        for context in contexts {
            let rows = Bindings.table.filter { $0.context == context }
            guard !rows.isEmpty else { continue }
            if !lines.isEmpty { lines.append(("", .text)) }
            lines.append((context.title, .columnHeader))
            for row in rows { lines.append((TextWidth.fit(row.label, width) + "  " + row.help, .text)) }
        }
        lines.append(("", .text))
        lines.append(("topics: ✓ acked … sent · off", .dim))
        return HelpModel(
            lines: lines, page: ui.helpPage, pagingHint: KeyHints.line([Hints.helpMore], room: 60) + " · any other key closes",
            closeHint: "any key closes")
    }

    func statsModel() -> StatsModel {
        let shown = servers[ui.serverScope ?? 0]
        var model = StatsModel(
            stats: ui.serverScope == nil ? feed.stats : shown.stats, link: shown.connection,
            reported: isMultiServer && ui.serverScope == nil ? nil : shown.reported, now: now)
        model.focused = ui.focus == .stats
        model.maximized = ui.maximized == .stats
        model.offHint = offHint(.stats)
        model.servers = isMultiServer ? serverCountRows { _ in .title } : []
        return model
    }

    /// One row per server, named and styled by `role`, then the total.
    func serverCountRows(role: (Int) -> Role) -> [ServerCounts.Row] {
        servers.indices.map { (serverName($0), servers[$0].stats, role($0)) } + [("total", feed.stats, .columnHeader)]
    }

    func connectionsModel(selected: Int, glyphs: Glyphs, utcOffset: Int) -> ConnectionsModel {
        let rows = servers.indices.map { index in
            let server = servers[index]
            let c = server.connection
            let version = server.rest.serverVersion ?? c.serverVersion
            var why: (String, Role)?
            if case .stopped(let reason) = c.phase {
                why = ("stopped: \(Wording.stopReason(reason, retryKey: true))", .warning)
            } else if let reason = c.lastCloseReason {
                why = ("last close: \(reason)", .dim)
            }
            return ConnectionsModel.Server(
                name: serverName(index), open: c.phase == .open, phase: LinkWords.short(LinkWords.Link(c, polling: server.rest.polling, now: now), glyphs: glyphs),
                attempt: c.attempt, roundTrip: c.roundTrip, silentFor: c.lastFrameAt.map { now - $0 },
                gaps: feed.gaps.filter { $0.server == index }.count + (server.rest.openGap == nil ? 0 : 1),
                dialect: c.dialect.map { "\($0.rawValue)\(version.isEmpty ? "" : " v\(version)")" } ?? (version.isEmpty ? "-" : "v\(version)"),
                detail: "\(c.url) \(glyphs.ellipsisBar) \(topicSummary(index, glyphs: glyphs))", why: why,
                sight: ServerMark.readinessLine(server.rest.readiness, utcOffset: utcOffset))
        }
        return ConnectionsModel(servers: rows, selected: selected)
    }

    /// What the state asks of the layout besides the terminal's size.
    public var arrangement: Arrangement {
        Arrangement(
            maximized: ui.maximized,
            stateCollapsed: servers.allSatisfy { $0.rest.terraformState == .notLoaded } && feed.stateChanges.isEmpty,
            serverColumn: serverColumnWidth)
    }
}
