import TFDriftCore

/// What every widget draws with: a canvas, the theme and the glyphs, and the frame pieces they share (boxes,
/// table rows, lines of styled runs). It never sees the store: a widget hands it what its own model says.
struct Pen {
    var canvas: Canvas
    let options: RenderOptions

    var theme: Theme { options.theme }
    var glyphs: Glyphs { options.glyphs }

    func style(_ role: Role) -> Style { theme.style(role) }

    mutating func box(_ rect: Rect, title: String, note: String, focused: Bool) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let border = style(focused ? .borderFocused : .border)
        let g = glyphs
        canvas.draw(g.topLeft, x: rect.x, y: rect.y, style: border)
        canvas.draw(g.topRight, x: rect.maxX - 1, y: rect.y, style: border)
        canvas.draw(g.bottomLeft, x: rect.x, y: rect.maxY - 1, style: border)
        canvas.draw(g.bottomRight, x: rect.maxX - 1, y: rect.maxY - 1, style: border)
        for x in rect.x + 1..<rect.maxX - 1 {
            canvas.draw(g.horizontal, x: x, y: rect.y, style: border)
            canvas.draw(g.horizontal, x: x, y: rect.maxY - 1, style: border)
        }
        for y in rect.y + 1..<rect.maxY - 1 {
            canvas.draw(g.vertical, x: rect.x, y: y, style: border)
            canvas.draw(g.vertical, x: rect.maxX - 1, y: y, style: border)
        }
        let used = canvas.draw(
            " \(title) ", x: rect.x + 1, y: rect.y, style: style(focused ? .titleFocused : .title), maxWidth: rect.width - 2)
        if !note.isEmpty {
            let text = " \(note) "
            let w = TextWidth.width(of: text)
            let room = rect.width - 2 - used - 1
            if room >= w {
                canvas.draw(text, x: rect.maxX - 1 - w, y: rect.y, style: style(.dim), maxWidth: w)
            }
        }
    }

    mutating func drawRow(_ values: [(String, Role)], columns: [Column], x: Int, y: Int, width: Int, highlight: Bool) {
        if highlight { canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: style(.selected)) }
        var cx = x + 1
        let limit = x + width
        for (column, value) in zip(columns, values) where cx < limit && column.width > 0 {
            let w = min(column.width, limit - cx)
            var s = style(value.1)
            if highlight { s = s.with(reverse: true) }
            // Drawn, then the rest of the column blanked in the same style: what `fit` pads, without building it.
            let used = canvas.draw(TextWidth.truncate(value.0, to: w), x: cx, y: y, style: s, maxWidth: w)
            if used < w { canvas.fill(Rect(x: cx + used, y: y, width: w - used, height: 1), style: s) }
            cx += w + 1
        }
    }

    /// Lines of styled runs, one per row from the top of `rect`, each cut to its width.
    mutating func lines(_ lines: [[(String, Role)]], in rect: Rect) {
        for (i, line) in lines.enumerated() where i < rect.height {
            var cx = rect.x
            for (text, role) in line where cx < rect.maxX {
                let room = rect.maxX - cx
                cx += canvas.draw(TextWidth.truncate(text, to: room), x: cx, y: rect.y + i, style: style(role), maxWidth: room)
            }
        }
    }
}
