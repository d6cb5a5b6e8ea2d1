import TFDriftCore
import TFDriftWire

/// Everything the renderer needs besides the state.
public struct RenderOptions: Sendable {
    public var theme: Theme
    public var glyphs: Glyphs
    /// Local time offset from UTC in seconds for displayed times; the caller reads the clock, not the renderer.
    public var utcOffset: Int

    public init(theme: Theme = .standard, glyphs: Glyphs = .unicode, utcOffset: Int = 0) {
        self.theme = theme
        self.glyphs = glyphs
        self.utcOffset = utcOffset
    }
}

/// `render(State, Size) -> Canvas`: the whole screen as a pure function of the state.
public enum Dashboard {
    public static func render(_ state: State, size: Size, options: RenderOptions = RenderOptions()) -> Canvas {
        var canvas = Canvas(size: size)
        guard let layout = Layout.compute(size, Arrangement(state)) else {
            drawTooSmall(&canvas, size: size, options: options)
            return canvas
        }
        var painter = Painter(canvas: canvas, options: options, state: state)
        if let kiosk = state.ui.kiosk {
            KioskScreen(state: state, kiosk: kiosk, options: options).draw(&painter, size: size)
            if state.ui.showHelp { painter.helpOverlay(size: size) }
            return painter.canvas
        }
        painter.header(layout.header)
        for pane in Pane.allCases {
            guard let rect = layout.panes[pane] else { continue }
            switch pane {
            case .drifts: painter.driftsPane(rect, rows: layout.listRows(.drifts))
            case .events: painter.eventsPane(rect, rows: layout.listRows(.events))
            case .state: painter.statePane(rect, rows: layout.listRows(.state))
            case .stats: StatsWidget(model: StatsModel(state), glyphs: options.glyphs).draw(&painter.pen, rect)
            }
        }
        if let offset = state.ui.diagnosticsOffset {
            DiagnosticsWidget(diagnostics: state.diagnostics, offset: offset, utcOffset: options.utcOffset)
                .draw(&painter.pen, layout.body)
        } else if let selected = state.ui.connections {
            ConnectionsWidget(model: ConnectionsModel(state, selected: selected, glyphs: options.glyphs, utcOffset: options.utcOffset), glyphs: options.glyphs)
                .draw(&painter.pen, layout.body)
        } else if let detail = state.ui.detail {
            let rect = layout.body
            if let blast = detail.blast {
                let name = state.isMultiServer ? state.servers[blast.server].name : nil
                BlastRadiusWidget(model: BlastRadiusModel(blast, now: state.now, serverName: name)).draw(&painter.pen, rect)
            } else {
                DetailWidget(item: DetailItem(state, detail), detail: detail).draw(&painter.pen, rect)
            }
        }
        painter.statusBar(layout.status)
        if let palette = state.ui.palette {
            let shown = state.servers[state.ui.serverScope ?? 0].connection
            PaletteWidget(palette: palette, themes: state.ui.themes, query: shown.query, linkOpen: shown.phase == .open, glyphs: options.glyphs)
                .draw(&painter.pen, in: layout.body)
        }
        if state.ui.showHelp { painter.helpOverlay(size: size) }
        canvas = painter.canvas
        return canvas
    }

    static func drawTooSmall(_ canvas: inout Canvas, size: Size, options: RenderOptions) {
        let min = Layout.minimumSize
        let lines = [
            "Terminal too small",
            "\(size.width)x\(size.height), need \(min.width)x\(min.height)",
            "enlarge the window · q quits",
        ]
        let top = max(0, (size.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < size.height {
            let w = TextWidth.width(of: line)
            let x = max(0, (size.width - w) / 2)
            canvas.draw(line, x: x, y: top + i, style: options.theme.style(i == 0 ? .warning : .text), maxWidth: size.width)
        }
    }

    /// What a mouse event means on the screen last drawn: a click focuses the pane and selects the row under it,
    /// a double click opens that item, the wheel moves the selection (or scrolls the detail). Overlays that take
    /// text (palette, filter line) and the help ignore the mouse.
    public static func actions(for event: MouseEvent, on canvas: Canvas, state: State) -> [Action] {
        if state.ui.palette != nil || state.ui.showHelp || state.ui.editingFilter || state.ui.connections != nil || state.ui.diagnosticsOffset != nil {
            return []
        }
        if state.ui.detail?.blast != nil {
            switch event.kind {
            case .wheelUp: return [.command(.blastRadiusMove(-3))]
            case .wheelDown: return [.command(.blastRadiusMove(3))]
            case .click, .doubleClick: return []
            }
        }
        if state.ui.detail != nil {
            switch event.kind {
            case .wheelUp: return [.command(.detailScroll(-3))]
            case .wheelDown: return [.command(.detailScroll(3))]
            case .click, .doubleClick: return []
            }
        }
        guard let region = canvas.hit(x: event.x, y: event.y) else { return [] }
        var actions: [Action] = [.command(.focus(region.pane))]
        switch event.kind {
        case .click:
            if let seq = region.seq { actions.append(.command(.select(seq))) }
        case .doubleClick:
            if let seq = region.seq { actions += [.command(.select(seq)), .command(.openDetail)] }
        case .wheelUp:
            actions.append(.command(.moveSelection(-3)))
        case .wheelDown:
            actions.append(.command(.moveSelection(3)))
        }
        return actions
    }
}
