import TFDriftWire

/// How the screen looks at the data: keys through the bindings table, focus, scrolling over what is visible,
/// the filter line, the detail view, the minimum severity and the pause.
enum UIReducer {
    /// The context a key is read in: the help overlay takes any key, then the filter line, the detail, the panes.
    static func context(_ state: State) -> BindingContext {
        if state.ui.palette != nil { return .palette }
        if state.ui.diagnosticsOffset != nil { return .diagnostics }
        if state.ui.connections != nil { return .connections }
        if state.ui.editingFilter { return .filter }
        if state.ui.detail?.blast != nil { return .blastRadius }
        if state.ui.detail != nil { return .detail }
        return .pane
    }

    static func key(_ key: Key, _ state: inout State) -> [Effect] {
        if state.ui.showHelp {
            if case .helpPage(let by) = Bindings.ownCommand(for: key, in: .help) {
                state.ui.helpPage += by
            } else {
                state.ui.showHelp = false
                state.ui.helpPage = 0
            }
            return []
        }
        guard let command = Bindings.command(for: key, in: context(state)) else { return [] }
        return Reducer.reduce(&state, command)
    }

    static func resized(_ state: inout State, width: Int, height: Int, pageRows: [Pane: Int]) {
        state.ui.width = max(0, width)
        state.ui.height = max(0, height)
        state.ui.pageRows = pageRows
    }

    static func reduce(_ state: inout State, _ command: Command) -> [Effect] {
        let pane = state.ui.focus
        switch command {
        case .focusNext, .focusPrevious:
            let panes = Pane.allCases
            let index = panes.firstIndex(of: pane)!
            let step = command == .focusNext ? 1 : panes.count - 1
            state.ui.focus = panes[(index + step) % panes.count]
        case .focus(let target):
            state.ui.focus = target
        case .select(let seq):
            guard state.isVisible(pane, seq) else { return [] }
            if seq == state.newestVisible(pane) {
                state.ui.scroll[pane] = PaneScroll(follow: true, selected: nil)
            } else {
                hold(&state, pane, at: seq)
            }
        case .moveSelection(let delta):
            move(&state, pane, delta)
        case .page(let direction):
            move(&state, pane, direction * state.ui.page(of: pane))
        case .halfPage(let direction):
            move(&state, pane, direction * max(1, state.ui.page(of: pane) / 2))
        case .jumpNewest:
            state.ui.scroll[pane] = PaneScroll(follow: true, selected: nil)
        case .jumpOldest:
            guard let oldest = state.oldestVisible(pane) else { return [] }
            state.ui.scroll[pane] = PaneScroll(follow: false, selected: oldest, top: state.newestVisible(pane))
        case .toggleHelp:
            state.ui.showHelp.toggle()
        case .helpPage(let by):
            state.ui.helpPage += by
        case .replay:
            // Answered by the replay source before the store; a store that sees one has nothing to do.
            break
        case .openDetail:
            guard let seq = state.selectedSeq(pane) else { return [] }
            state.ui.detail = DetailState(pane: pane, seq: seq)
        case .closeDetail:
            // Back to the same selection: the pane holds the item that was open.
            if let detail = state.ui.detail, detail.pane == pane, state.selectedSeq(pane) != detail.seq {
                hold(&state, pane, at: detail.seq)
            }
            state.ui.detail = nil
        case .detailScroll(let lines):
            let offset = state.ui.detail?.offset ?? 0
            state.ui.detail?.offset = max(0, offset + lines)
        case .detailPage(let direction):
            let offset = state.ui.detail?.offset ?? 0
            state.ui.detail?.offset = max(0, offset + direction * max(1, state.ui.height - 4))
        case .detailStep(let steps):
            guard let detail = state.ui.detail, let next = state.visible(detail.pane, from: detail.seq, steps: steps), next != detail.seq
            else { return [] }
            state.ui.detail = DetailState(pane: detail.pane, seq: next)
            hold(&state, detail.pane, at: next)
        case .toggleRaw:
            state.ui.detail?.raw.toggle()
            state.ui.detail?.offset = 0
        case .startFilter:
            state.ui.editingFilter = true
            state.ui.keptFilter = state.ui.filters[pane]
            if state.ui.filters[pane] == nil { state.ui.filters[pane] = Filter("") }
        case .insertText(let character):
            if var palette = state.ui.palette {
                guard palette.text.count < Palette.maximumText else { return [] }
                palette.text.append(character)
                palette.selected = 0
                palette.feedback = nil
                state.ui.palette = palette
            } else {
                let text = (state.ui.filters[pane]?.text ?? "") + String(character)
                state.ui.filters[pane] = Filter(String(text.prefix(200)))
            }
        case .deleteText:
            if var palette = state.ui.palette {
                palette.text = String(palette.text.dropLast())
                palette.selected = 0
                palette.feedback = nil
                state.ui.palette = palette
            } else {
                let text = state.ui.filters[pane]?.text ?? ""
                state.ui.filters[pane] = Filter(String(text.dropLast()))
            }
        case .submitText:
            if let palette = state.ui.palette { return runPalette(&state, palette) }
            state.ui.editingFilter = false
            state.ui.keptFilter = nil
            if state.ui.filters[pane]?.text.isEmpty == true { state.ui.filters[pane] = nil }
        case .cancelText:
            if state.ui.palette != nil {
                state.ui.palette = nil
                return []
            }
            // Esc in the line: what was typed is dropped and the filter kept before comes back (Esc in the pane
            // clears a filter).
            state.ui.editingFilter = false
            state.ui.filters[pane] = state.ui.keptFilter
            state.ui.keptFilter = nil
        case .openPalette:
            state.ui.showHelp = false
            state.ui.palette = PaletteState()
        case .paletteMove(let delta):
            guard var palette = state.ui.palette else { return [] }
            let count = Palette.matches(palette.text, themes: state.ui.themes).count
            guard count > 0 else { return [] }
            palette.selected = ((palette.selected + delta) % count + count) % count
            state.ui.palette = palette
        case .setFilter(let text):
            let filter = Filter(String(text.prefix(200)))
            state.ui.filters[pane] = filter.text.isEmpty ? nil : filter
        case .copySelected:
            let target = state.ui.detail.map { ($0.pane, $0.seq) } ?? state.selectedSeq(pane).map { (pane, $0) }
            guard let (itemPane, seq) = target, let json = state.itemJSON(itemPane, seq, withMessage: true) else {
                state.ui.notice = Notice(.nothingSelected, at: state.now)
                return []
            }
            let text = json.jsonText
            state.ui.notice = Notice(.copied(bytes: text.utf8.count), at: state.now)
            return [.copyToClipboard(text)]
        case .export(let path):
            let exportPane = state.ui.detail?.pane ?? pane
            guard exportPane != .stats else {
                state.ui.notice = Notice(.nothingSelected, at: state.now)
                return []
            }
            let name = path ?? "tfdrift-\(exportPane.rawValue)-\(Timestamp.fileStamp(state.now)).ndjson"
            return [.writeFile(path: name, lines: state.exportLines(exportPane))]
        case .toggleDiagnostics:
            state.ui.diagnosticsOffset = state.ui.diagnosticsOffset == nil ? 0 : nil
        case .diagnosticsScroll(let lines):
            state.ui.diagnosticsOffset = max(0, (state.ui.diagnosticsOffset ?? 0) + lines)
        case .cycleServerScope:
            // all → the first server → … → the last → all again; with one server there is nothing to narrow.
            guard state.isMultiServer else { return [] }
            let next = (state.ui.serverScope ?? -1) + 1
            state.ui.serverScope = next < state.servers.count ? next : nil
            for pane in Pane.allCases { state.ui.scroll[pane] = PaneScroll() }
        case .toggleConnections:
            state.ui.connections = state.ui.connections == nil ? (state.ui.serverScope ?? 0) : nil
        case .connectionsMove(let delta):
            guard let selected = state.ui.connections else { return [] }
            state.ui.connections = min(max(0, selected + delta), state.servers.count - 1)
        case .cycleTheme:
            let all = state.ui.themes.isEmpty ? ["default"] : state.ui.themes
            let names = state.ui.themesForBackground.flatMap { $0.isEmpty ? nil : $0 } ?? all
            let index = names.firstIndex(of: state.ui.theme) ?? -1
            state.ui.theme = names[(index + 1) % names.count]
            state.ui.notice = Notice(.theme(state.ui.theme), at: state.now)
        case .setTheme(let name):
            let name = String(name.prefix(400))
            // A name the program does not know is refused where it was asked, and the theme stays; a path
            // (`/`, `.yaml`) is the frontend's to read, and what is wrong with the file is reported there.
            let isPath = name.contains("/") || name.hasSuffix(".yaml") || name.hasSuffix(".yml")
            guard isPath || state.ui.themes.isEmpty || state.ui.themes.contains(name) else {
                state.ui.notice = Notice(.unknownTheme(Sanitizer.clean(name, limit: 40), known: state.ui.themes), at: state.now)
                return []
            }
            state.ui.theme = name
            state.ui.notice = Notice(.theme(state.ui.theme), at: state.now)
        case .toggleMaximize:
            state.ui.maximized = state.ui.maximized == pane ? nil : pane
        case .fetchContext:
            return fetchContext(&state)
        case .openBlastRadius:
            return openBlastRadius(&state)
        case .closeBlastRadius:
            state.ui.detail?.blast = nil
        case .blastRadiusMove(let delta):
            guard let blast = state.ui.detail?.blast else { return [] }
            state.ui.detail?.blast?.selected = min(max(0, blast.selected + delta), max(0, blast.rows.count - 1))
        case .showBlastRadiusNode:
            showBlastRadiusNode(&state)
        case .escape:
            if state.ui.filters[pane] != nil {
                state.ui.filters[pane] = nil
            } else {
                state.ui.scroll[pane] = PaneScroll(follow: true, selected: nil)
            }
        case .cycleMinimumSeverity:
            let order: [Severity?] = [nil, .low, .warning, .medium, .high, .critical]
            let index = order.firstIndex(of: state.ui.minimumSeverity) ?? 0
            state.ui.minimumSeverity = order[(index + 1) % order.count]
        case .togglePause:
            if state.ui.pausedAt == nil {
                state.ui.pausedAt = [.drifts: state.feed.drifts.nextSeq, .events: state.feed.events.nextSeq, .state: state.feed.stateChanges.nextSeq]
            } else {
                state.ui.pausedAt = nil
            }
        case .toggleTopic, .setTopic, .setProvider, .retryNow, .send, .quit:
            break  // the link's commands: the root routes them to ConnectionReducer
        }
        return []
    }

    /// From a drift's detail: the record its server keeps of that resource and what Terraform declares for it,
    /// asked of the drift's own server.
    static func fetchContext(_ state: inout State) -> [Effect] {
        guard let detail = state.ui.detail, detail.pane == .drifts, let drift = state.feed.drifts[detail.seq],
            state.servers.indices.contains(drift.server)
        else { return [] }
        var context = DriftContext(resourceID: drift.resourceID, lookupID: drift.lookupID)
        let named = drift.resourceID.isEmpty ? nil : drift.serverResourceID ?? drift.resourceID
        if let why = lookupRefusal(named, on: drift.server, state, item: "the drift") {
            context.drift = .failed(why)
            context.declared = context.drift
            state.ui.detail?.context = context
            return []
        }
        let id = named ?? ""
        context.server = drift.server
        state.ui.detail?.context = context
        return state.addressed([.fetch(.driftContext(resourceID: id)), .fetch(.declaredResource(resourceID: id))], to: drift.server)
    }

    /// Why a detail's lookup of `id` on `server` cannot be asked, in words; nil when it can. `id` is the
    /// server's own text (nil: the item names none).
    static func lookupRefusal(_ id: String?, on server: Int, _ state: State, item: String) -> String? {
        if !state.servers[server].settings.restEnabled { return "REST is off (--no-rest)" }
        guard let id else { return "\(item) names no resource id" }
        guard RestRequest.isPathSegment(id) else {
            return "the server's id \"\(Sanitizer.clean(id, limit: 40))\" cannot be looked up (not one path segment)"
        }
        return nil
    }

    /// From an item's detail: asks the item's server what depends on its resource. An item that names no
    /// resource the server could look up opens the view with the reason, so the key is never silent.
    static func openBlastRadius(_ state: inout State) -> [Effect] {
        guard let detail = state.ui.detail else { return [] }
        // The resource as shown, the server's own id text (nil: none named), and the server asked.
        let named = state.feed.record(detail.pane, at: detail.seq) { record in record.lookupTarget.map { (shown: $0.shown, id: $0.id, server: record.server) } } ?? nil
        guard let named, state.servers.indices.contains(named.server) else { return [] }
        // Not asked: no id to wait for, so no answer can land here.
        var blast = BlastRadius(resourceID: named.shown, lookupID: "", server: named.server, askedAt: state.now)
        if let why = lookupRefusal(named.id, on: named.server, state, item: "this item") {
            blast.impact = .failed(why)
            state.ui.detail?.blast = blast
            return []
        }
        let id = named.id ?? ""
        blast.lookupID = id
        state.ui.detail?.blast = blast
        return state.addressed(
            [.fetch(.graphImpact(resourceID: id, depth: BlastRadius.depth)), .fetch(.graphDependents(resourceID: id))], to: named.server)
    }

    /// Enter on a node of the blast radius: the detail closes and every list pane shows what the client holds
    /// about that resource, through the filter (so the filter line says what is shown and Esc clears it).
    static func showBlastRadiusNode(_ state: inout State) {
        guard let blast = state.ui.detail?.blast else { return }
        let rows = blast.rows
        guard rows.indices.contains(blast.selected) else { return }
        let term = BlastRadius.filterTerm(for: rows[blast.selected])
        state.ui.detail = nil
        for pane in Pane.allCases where pane != .stats {
            state.ui.filters[pane] = Filter(term)
            state.ui.scroll[pane] = PaneScroll()
        }
        state.ui.focus = .drifts
    }

    /// Enter in the palette: a command with its argument, or the selected action. A bad argument keeps the
    /// palette open with the text and says why; a query keeps it open to show the answer.
    static func runPalette(_ state: inout State, _ palette: PaletteState) -> [Effect] {
        switch Palette.outcome(of: palette, themes: state.ui.themes) {
        case .invalid(let why):
            state.ui.palette?.feedback = .invalid(why)
            return []
        case .complete(let text):
            state.ui.palette = PaletteState(text: text)
            return []
        case .query(let json):
            // The link records the exchange as it sends it (on each server the command goes to).
            state.ui.palette?.feedback = .querySent
            return Reducer.reduce(&state, .send(.query(json)))
        case .run(let command):
            state.ui.palette = nil
            return Reducer.reduce(&state, command)
        }
    }

    /// Moves the selection `delta` visible items (positive is older). Leaving follow mode freezes the view
    /// where it is; coming back to the newest item follows again.
    static func move(_ state: inout State, _ pane: Pane, _ delta: Int) {
        guard let newest = state.newestVisible(pane) else { return }
        var scroll = state.ui.scroll(of: pane)
        let current = scroll.follow ? newest : (state.visible(pane, from: scroll.selected ?? newest, steps: 0) ?? newest)
        guard let target = state.visible(pane, from: current, steps: delta) else { return }
        if scroll.follow { scroll.top = newest }
        scroll.selected = target
        scroll.follow = target == newest && delta < 0
        if scroll.follow { scroll.top = nil }
        state.ui.scroll[pane] = scroll
    }

    static func hold(_ state: inout State, _ pane: Pane, at seq: Int) {
        var scroll = state.ui.scroll(of: pane)
        if scroll.follow { scroll.top = state.newestVisible(pane) }
        scroll.follow = false
        scroll.selected = seq
        state.ui.scroll[pane] = scroll
    }

    /// A pane that is not following keeps its selected item; if that item fell off the bounded history,
    /// the selection moves to the oldest retained one.
    static func holdSelection(_ state: inout State, pane: Pane) {
        guard var scroll = state.ui.scroll[pane], !scroll.follow, let selected = scroll.selected,
            let range = state.history(seqRangeOf: pane), selected < range.oldest
        else { return }
        scroll.selected = range.oldest
        state.ui.scroll[pane] = scroll
    }
}
