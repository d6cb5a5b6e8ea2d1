import TFDriftCore
import TFDriftWire

/// What a cell is drawn with besides its item.
struct CellContext {
    var glyphs: Glyphs
    var utcOffset: Int
}

/// A column of a list pane: the room it asks for, and what it shows of an item.
struct ListColumn<Item>: Sendable {
    var spec: ColumnSpec
    var cell: @Sendable (Item, CellContext) -> (String, Role)

    init(_ spec: ColumnSpec, _ cell: @escaping @Sendable (Item, CellContext) -> (String, Role)) {
        self.spec = spec
        self.cell = cell
    }
}

/// One list pane, described: which history it lists, its columns, what its detail view shows, and what it draws
/// besides its rows (gap markers, a banner over the list). The screen, the layout (which columns fit beside the
/// side column) and the tests read it; filtering, export and `tail` read the record itself (`ListedRecord`).
struct ListPaneDescription<Item: ListedRecord>: Sendable {
    var pane: Pane
    var history: @Sendable (FeedState) -> History<Item>
    var columns: [ListColumn<Item>]
    /// The detail view's sections for one item.
    var detail: @Sendable (Item, DetailView) -> [DetailView.Line]
    /// Lines between rows, keyed by the sequence number they follow (the Drifts pane's gaps).
    var markers: (@Sendable (State, RenderOptions) -> [Int: String])? = nil
    /// A line over the list; a pane with one collapses to that line when it has no room (the State pane's
    /// Terraform state).
    var banner: (@Sendable (State, Glyphs) -> (String, Role)?)? = nil

    var specs: [ColumnSpec] { columns.map(\.spec) }
}

/// A list pane whatever its record, so one table can hold them all; the screen opens it to its record type.
protocol ListPaneDescribing: Sendable {
    associatedtype Item: ListedRecord
    var described: ListPaneDescription<Item> { get }
}

extension ListPaneDescription: ListPaneDescribing {
    var described: ListPaneDescription<Item> { self }
}

enum ListPanes {
    /// The one place a pane meets its description (nil for Stats, which is not a list).
    static func description(of pane: Pane) -> (any ListPaneDescribing)? {
        switch pane {
        case .drifts: drifts
        case .events: events
        case .state: state
        case .stats: nil
        }
    }

    /// Drifts: who made the change goes first when room runs out, then what changed; never the resource.
    static let drifts = ListPaneDescription<DriftRecord>(pane: .drifts, history: { $0.drifts }, columns: [
        // History says where it came from, whatever time the list gives it: it happened before the client started,
        // and a time of its own would make it look live (the detail view has the time).
        ListColumn(.fixed("TIME", 8)) { d, c in
            (d.history ? "history" : Timestamp.clock(d.time, utcOffset: c.utcOffset), d.history || d.backfilled ? .history : .dim)
        },
        ListColumn(.fixed("SEV", 4)) { d, _ in (Format.severityTag(d.severity), .severity(d.severity)) },
        ListColumn(.share("RESOURCE", weight: 34, minimum: 20)) { d, _ in
            let text = d.resourceName.isEmpty
                ? [d.resourceType, d.resourceID].filter { !$0.isEmpty }.joined(separator: " ")
                : "\(d.resourceType).\(d.resourceName)"
            return (text, .text)
        },
        ListColumn(.share("ATTRIBUTE", weight: 18, minimum: 6, priority: 1)) { d, _ in (d.attribute, .text) },
        ListColumn(.share("CHANGE", weight: 32, minimum: 8, priority: 1)) { d, c in
            (d.oldValue.isEmpty && d.newValue.isEmpty ? "" : "\(d.oldValue) \(c.glyphs.arrow) \(d.newValue)", .text)
        },
        ListColumn(.share("USER", weight: 16, minimum: 8, priority: 2)) { d, _ in (d.user, .dim) },
    ], detail: { $1.driftLines($0) }, markers: { $0.gapMarkers($1) })

    /// Events: the detail goes first when room runs out, then the resource; never what happened.
    static let events = ListPaneDescription<EventRecord>(pane: .events, history: { $0.events }, columns: [
        ListColumn(.fixed("TIME", 8)) { e, c in (Timestamp.clock(e.time, utcOffset: c.utcOffset), .dim) },
        ListColumn(.fixed("SEV", 4)) { e, _ in (Format.severityTag(e.severity), .severity(e.severity)) },
        ListColumn(.fixed("KIND", 10)) { e, _ in (e.kindLabel, .text) },
        ListColumn(.share("WHAT", weight: 26, minimum: 12)) { e, _ in (e.title, .text) },
        ListColumn(.share("RESOURCE", weight: 30, minimum: 10, priority: 1)) { e, _ in (e.resource, .text) },
        ListColumn(.share("DETAIL", weight: 44, minimum: 10, priority: 2)) { e, _ in (e.user.isEmpty ? e.detail : "\(e.detail) · \(e.user)", .dim) },
    ], detail: { $1.eventLines($0) })

    /// State: what Terraform's state did to which resource.
    static let state = ListPaneDescription<StateRecord>(pane: .state, history: { $0.stateChanges }, columns: [
        ListColumn(.fixed("TIME", 8)) { s, c in (Timestamp.clock(s.time, utcOffset: c.utcOffset), .dim) },
        ListColumn(.fixed("ACTION", 9)) { s, _ in (s.action, .text) },
        ListColumn(.share("RESOURCE", weight: 55)) { s, _ in (s.resource, .text) },
        ListColumn(.share("DETAIL", weight: 45)) { s, _ in (s.detail, .dim) },
    ], detail: { $1.stateLines($0) }, banner: { $0.terraformStateBanner(glyphs: $1) })
}

extension State {
    /// The model of list pane `pane` in `rect` (nil for Stats, which is not a list).
    func listPaneModel(_ pane: Pane, in rect: Rect, rows: Int, options: RenderOptions) -> ListPaneModel? {
        guard let description = ListPanes.description(of: pane) else { return nil }
        return listPaneModel(description, in: rect, rows: rows, options: options)
    }

    /// The item the detail view shows, with its pane's sections; nil once it left the pane's history.
    func detailItem(_ detail: DetailState) -> DetailItem? {
        guard let description = ListPanes.description(of: detail.pane) else { return nil }
        return detailItem(of: description, seq: detail.seq)
    }

    private func detailItem(of pane: some ListPaneDescribing, seq: Int) -> DetailItem? {
        let description = pane.described
        return description.history(feed)[seq].map { item in DetailItem(raw: item.raw) { description.detail(item, $0) } }
    }

    /// A list pane's model: its title and note, the columns that fit, and the rows that fit. Following, the
    /// newest item is on top; held, the first row stays where it was frozen, moving only as far as needed to keep
    /// the selected item on screen (counted in visible rows).
    func listPaneModel(_ described: some ListPaneDescribing, in rect: Rect, rows: Int, options: RenderOptions) -> ListPaneModel {
        let description = described.described
        let pane = description.pane
        let banner = description.banner?(self, options.glyphs)
        if description.banner != nil, rect.height < 3 {
            // Collapsed to one line: the pane says why it is empty and leaves its room to the others.
            var model = ListPaneModel(pane: pane, title: pane.title, note: "", focused: ui.focus == pane, columns: [], rows: [])
            model.banner = (banner?.0 ?? "", .dim)
            model.collapsed = true
            return model
        }
        // The banner takes a row of those the layout counted.
        let rows = rows - (banner == nil ? 0 : 1)
        let context = CellContext(glyphs: options.glyphs, utcOffset: options.utcOffset)
        let markers = description.markers?(self, options) ?? [:]
        let history = description.history(feed)
        let scroll = ui.scroll(of: pane)
        let newest = newestVisible(pane)
        let selected: Int? = scroll.follow ? nil : selectedSeq(pane)
        // What waits above the view: items newer than the held selection, or than the pause.
        var waiting = 0
        if let selected, let newest {
            waiting = (selected + 1...max(selected + 1, newest)).reduce(0) { $0 + (isVisible(pane, $1) && $1 > selected ? 1 : 0) }
        }
        if let pausedAt = ui.pausedAt?[pane] { waiting += max(0, history.nextSeq - pausedAt) }
        var note = ""
        if history.evicted > 0 { note = "\(Format.compact(history.evicted)) older dropped" }
        if waiting > 0 { note = "\(context.glyphs.down) \(Format.compact(waiting)) new" } else if selected != nil { note = "held" }
        // A pane whose topic nobody subscribes to says so, with the key that turns it on (from the bindings).
        let off = offHint(pane)
        if let off { note = off }
        var title = "\(pane.title) \(Format.count(history.count))"
        if isNarrowed(pane) || ui.pausedAt != nil {
            title = "\(pane.title) \(Format.count(visibleCount(pane)))/\(Format.count(history.count))"
        }
        if let filter = ui.filter(of: pane), !filter.text.isEmpty { title += " /\(filter.text)" }
        let specs = serverColumnWidth.map { [ColumnSpec.server(width: $0)] } ?? []
        var model = ListPaneModel(
            pane: pane, title: title, note: note, focused: ui.focus == pane, banner: banner,
            columns: ColumnSpec.columns(specs + description.specs, total: ColumnSpec.room(inPane: rect.width)), rows: [])
        guard let newest, let oldest = history.oldestSeq else {
            let anyOpen = servers.contains { $0.connection.phase == .open }
            model.empty = off ?? (history.isEmpty ? (anyOpen ? "waiting for data…" : "no data yet") : "nothing matches the filter")
            return model
        }
        var top = newest
        if let selected {
            top = min(newest, scroll.top.flatMap { visible(pane, from: $0, steps: 0) } ?? newest)
            if selected > top { top = selected }
            var below = 0
            var seq = top
            while seq > selected, let next = visible(pane, from: seq, steps: 1), next != seq {
                below += 1
                seq = next
            }
            if below >= rows, let moved = visible(pane, from: selected, steps: -(rows - 1)) { top = moved }
        }
        let inner = rect.inner
        var room = inner.height - (banner == nil ? 0 : 1) - (ListPaneWidget.showsColumnTitles(innerHeight: inner.height) ? 1 : 0)
        let names = isMultiServer ? servers.indices.map { serverName($0) } : nil
        var seq = top
        while room > 0, seq >= oldest {
            defer { seq -= 1 }
            if let marker = markers[seq], seq != top {
                model.rows.append(.marker(marker))
                room -= 1
                if room == 0 { break }
            }
            guard isVisible(pane, seq), let item = history[seq] else { continue }
            var cells = description.columns.map { $0.cell(item, context) }
            if let names {
                let server = item.server
                cells.insert((names.indices.contains(server) ? names[server] : "?", .title), at: 0)
            }
            model.rows.append(.item(seq: seq, cells: cells, selected: seq == selected))
            room -= 1
        }
        return model
    }

    /// Gap markers in the Drifts pane, above the first item after each gap (of the servers on screen).
    func gapMarkers(_ options: RenderOptions) -> [Int: String] {
        var markers: [Int: String] = [:]
        for gap in feed.gaps where ui.serverScope == nil || ui.serverScope == gap.server {
            let whose = isMultiServer ? serverName(gap.server) + " " : ""
            let rule = String(repeating: options.glyphs.horizontal, count: 200)
            markers[gap.afterSeq - 1] = "\(options.glyphs.horizontal)\(options.glyphs.horizontal) " + whose + Wording.gap(gap, utcOffset: options.utcOffset) + " " + rule + " "
        }
        return markers
    }

    /// `off — press 3 to subscribe` for a pane whose topic no server the keys act on subscribes to; nil otherwise.
    func offHint(_ pane: Pane) -> String? {
        let topic = pane.topic
        let on = linkTargets.contains { servers[$0].desiredTopics.contains(topic) || servers[$0].desiredTopics.contains(.all) }
        guard !on else { return nil }
        return "off — press \(Bindings.label(of: .toggleTopic(topic), in: .pane) ?? ":subscribe \(topic.rawValue)") to subscribe"
    }

    /// The width of the server column in front of every list, nil with one server.
    var serverColumnWidth: Int? {
        isMultiServer ? min(8, max(3, widestServerName)) : nil
    }

    /// Cells the longest server name takes.
    var widestServerName: Int {
        servers.indices.map { TextWidth.width(of: serverName($0)) }.max() ?? 0
    }

    /// The server's Terraform state in one line, over the State pane's list.
    func terraformStateBanner(glyphs: Glyphs) -> (String, Role)? {
        // Several servers: the one the screen shows, else the first, named.
        let shown = ui.serverScope ?? 0
        let whose = isMultiServer ? "\(serverName(shown)): " : ""
        switch servers[shown].rest.terraformState {
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
}
