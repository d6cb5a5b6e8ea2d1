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

extension State {
    /// `render(State, Size) -> Canvas`: the whole screen as a pure function of the store. Each widget gets its
    /// model (built from the store in `Models/`) and a rectangle of the layout; no widget sees the store.
    public func render(size: Size, options: RenderOptions = RenderOptions()) -> Canvas {
        var pen = Pen(canvas: Canvas(size: size), options: options)
        guard let layout = Layout.compute(size, arrangement) else {
            Dashboard.drawTooSmall(&pen.canvas, size: size, options: options)
            return pen.canvas
        }
        if let kiosk = ui.kiosk {
            KioskWidget(model: kioskModel(kiosk, size: size, options: options)).draw(&pen)
            if ui.showHelp { HelpWidget(model: helpModel()).draw(&pen, size: size) }
            return pen.canvas
        }
        HeaderWidget(model: headerModel()).draw(&pen, layout.header)
        for pane in Pane.allCases {
            guard let rect = layout.panes[pane] else { continue }
            if let model = listPaneModel(pane, in: rect, rows: layout.listRows(pane), options: options) {
                ListPaneWidget(model: model).draw(&pen, rect)
            } else {
                StatsWidget(model: statsModel(), glyphs: options.glyphs).draw(&pen, rect)
            }
        }
        if let offset = ui.diagnosticsOffset {
            ProblemsWidget(diagnostics: diagnostics, offset: offset, utcOffset: options.utcOffset, serverNames: servers.indices.map(serverName))
                .draw(&pen, layout.body)
        } else if let selected = ui.connections {
            ConnectionsWidget(model: connectionsModel(selected: selected, glyphs: options.glyphs, utcOffset: options.utcOffset), glyphs: options.glyphs)
                .draw(&pen, layout.body)
        } else if let detail = ui.detail {
            if let blast = detail.blast {
                let name = isMultiServer ? servers[blast.server].name : nil
                BlastRadiusWidget(model: BlastRadiusModel(blast, now: now, serverName: name)).draw(&pen, layout.body)
            } else {
                DetailWidget(item: detailItem(detail), detail: detail).draw(&pen, layout.body)
            }
        }
        StatusBarWidget(model: statusBarModel(options: options)).draw(&pen, layout.status)
        if let palette = ui.palette {
            let shown = servers[ui.serverScope ?? 0].connection
            PaletteWidget(palette: palette, themes: ui.themes, query: shown.query, linkOpen: shown.phase == .open, glyphs: options.glyphs)
                .draw(&pen, in: layout.body)
        }
        if ui.showHelp { HelpWidget(model: helpModel()).draw(&pen, size: size) }
        return pen.canvas
    }

    /// What a mouse event means on the screen last drawn: a click focuses the pane and selects the row under it,
    /// a double click opens that item, the wheel moves the selection (or scrolls the detail). Overlays that take
    /// text (palette, filter line) and the help ignore the mouse.
    public func mouseActions(for event: MouseEvent, on canvas: Canvas) -> [Action] {
        if ui.palette != nil || ui.showHelp || ui.editingFilter || ui.connections != nil || ui.diagnosticsOffset != nil {
            return []
        }
        // What a gesture does comes from the bindings table; a click (and the row a double click opens) is
        // where it lands.
        if ui.detail != nil {
            let context: BindingContext = ui.detail?.blast != nil ? .blastRadius : .detail
            return Bindings.command(for: event.kind, in: context).map { [.command($0)] } ?? []
        }
        guard let region = canvas.hit(x: event.x, y: event.y) else { return [] }
        var actions: [Action] = [.command(.focus(region.pane))]
        if event.kind == .click || event.kind == .doubleClick {
            guard let seq = region.seq else { return actions }
            actions.append(.command(.select(seq)))
        }
        if let command = Bindings.command(for: event.kind, in: .pane) { actions.append(.command(command)) }
        return actions
    }
}

/// The screen when the terminal is too small for it.
public enum Dashboard {
    static func drawTooSmall(_ canvas: inout Canvas, size: Size, options: RenderOptions) {
        let min = Layout.minimumSize
        let lines = [
            "Terminal too small",
            "\(size.width)x\(size.height), need \(min.width)x\(min.height)",
            "enlarge the window" + (Hints.tooSmall.text.map { " · " + $0 } ?? ""),
        ]
        let top = max(0, (size.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < size.height {
            let w = TextWidth.width(of: line)
            let x = max(0, (size.width - w) / 2)
            canvas.draw(line, x: x, y: top + i, style: options.theme.style(i == 0 ? .warning : .text), maxWidth: size.width)
        }
    }
}
