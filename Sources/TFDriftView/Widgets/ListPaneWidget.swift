import TFDriftCore

/// A column of a list pane: its title and width in cells (0: left out, too narrow a pane for it).
struct Column: Equatable {
    var title: String
    var width: Int
}

/// What a list pane asks of a column: a fixed width, or a share of the room by weight that must not fall below
/// `minimum`. When the pane is too narrow for every column, those with the highest `priority` number go first
/// (0: always shown), so a column depends only on the pane's width: a wider pane never hides one a narrower showed.
struct ColumnSpec: Sendable {
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

    /// The server column in front of every list with several servers.
    static func server(width: Int) -> ColumnSpec { .fixed("SRV", width) }

    /// The cells a pane `width` wide leaves for its columns (inside the border, one cell of margin).
    static func room(inPane width: Int) -> Int { width - 3 }

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
}

/// What a list pane shows: its frame (title, note, focus), the columns fitted to its width, and the rows that fit
/// its height, already chosen (following or held, filtered, with gap markers between them).
struct ListPaneModel {
    enum Row {
        /// An item of the pane's history: its cells, whether it is the selection (`highlighted` when the pane has
        /// the focus, else marked with a dot), and its sequence number for the mouse.
        case item(seq: Int, cells: [(String, Role)], selected: Bool)
        /// A line between items: `── gap 12:01:07–12:03:40 · 37 backfilled ──`.
        case marker(String)
    }

    var pane: Pane
    var title: String
    var note: String
    var focused: Bool
    /// A line over the column titles (the State pane's Terraform state).
    var banner: (String, Role)?
    var columns: [Column]
    var rows: [Row]
    /// Said where the rows would be when there are none: `waiting for data…`, `nothing matches the filter`.
    var empty: String?
    /// Collapsed to one line (the State pane with nothing to show): the title, then why.
    var collapsed = false
}

/// A list pane: its box, the column titles when there is room, then the model's rows.
struct ListPaneWidget {
    let model: ListPaneModel

    func draw(_ pen: inout Pen, _ rect: Rect) {
        if model.collapsed {
            let used = pen.canvas.draw(" \(model.pane.title) ", x: rect.x, y: rect.y, style: pen.style(model.focused ? .titleFocused : .title), maxWidth: rect.width)
            pen.canvas.draw(model.banner?.0 ?? "", x: rect.x + used + 1, y: rect.y, style: pen.style(.dim), maxWidth: rect.width - used - 1)
            return
        }
        pen.box(rect, title: model.title, note: model.note, focused: model.focused)
        pen.canvas.hitRegions.append(HitRegion(rect: rect, pane: model.pane))
        let inner = rect.inner
        guard inner.width > 0, inner.height > 0 else { return }
        var y = inner.y
        if let banner = model.banner {
            pen.canvas.draw(banner.0, x: inner.x + 1, y: y, style: pen.style(banner.1), maxWidth: inner.width - 1)
            y += 1
        }
        if ListPaneWidget.showsColumnTitles(innerHeight: inner.height) {
            pen.drawRow(model.columns.map { ($0.title, Role.columnHeader) }, columns: model.columns, x: inner.x, y: y, width: inner.width, highlight: false)
            y += 1
        }
        if let empty = model.empty {
            pen.canvas.draw(empty, x: inner.x + 1, y: y, style: pen.style(.dim), maxWidth: inner.width - 1)
            return
        }
        for row in model.rows where y < inner.maxY {
            switch row {
            case .marker(let text):
                pen.canvas.draw(TextWidth.fit(text, inner.width), x: inner.x, y: y, style: pen.style(.gap), maxWidth: inner.width)
            case .item(let seq, let cells, let selected):
                pen.drawRow(cells, columns: model.columns, x: inner.x, y: y, width: inner.width, highlight: selected && model.focused)
                pen.canvas.hitRegions.append(HitRegion(rect: Rect(x: inner.x, y: y, width: inner.width, height: 1), pane: model.pane, seq: seq))
                if selected && !model.focused {
                    pen.canvas.draw(pen.glyphs.bullet, x: inner.x, y: y, style: pen.style(.dim), maxWidth: 1)
                }
            }
            y += 1
        }
    }

    /// Column titles take a row only in a pane with four rows or more inside.
    static func showsColumnTitles(innerHeight: Int) -> Bool { innerHeight >= 4 }
}
