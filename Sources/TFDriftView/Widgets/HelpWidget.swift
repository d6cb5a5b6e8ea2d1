import TFDriftCore

/// The `?` overlay's lines (every binding of the one table, grouped by where it applies) and the page shown.
struct HelpModel {
    var lines: [(String, Role)]
    var page: Int
    /// `Space more · any other key closes`, from the table.
    var pagingHint: String
    var closeHint: String
}

/// The keys, in as many columns as the height needs and the width allows; what does not fit is paged.
struct HelpWidget {
    let model: HelpModel

    func draw(_ pen: inout Pen, size: Size) {
        let lines = model.lines
        let rowsAvailable = max(1, size.height - 4)
        let columnWidth = (lines.map { TextWidth.width(of: $0.0) }.max() ?? 0) + 2
        let columns = max(1, min((lines.count + rowsAvailable - 1) / rowsAvailable, max(1, (size.width - 4) / columnWidth)))
        let rowsUsed = min(rowsAvailable, (lines.count + columns - 1) / columns)
        let boxWidth = min(size.width - 2, columns * columnWidth + 3)
        let boxHeight = min(size.height - 2, rowsUsed + 2)
        let rect = Layout.centered(width: boxWidth, height: boxHeight, in: Rect(x: 0, y: 0, width: size.width, height: size.height))
        pen.canvas.fill(rect, style: pen.style(.text))
        let perPage = max(1, columns * rect.inner.height)
        let pages = max(1, (lines.count + perPage - 1) / perPage)
        let page = ((model.page % pages) + pages) % pages
        let note = pages > 1 ? "\(page + 1)/\(pages) · \(model.pagingHint)" : model.closeHint
        pen.box(rect, title: "Keys", note: note, focused: true)
        for (i, line) in lines.dropFirst(page * perPage).enumerated() {
            let column = i / max(1, rect.inner.height), row = i % max(1, rect.inner.height)
            guard column < columns else { break }
            let x = rect.inner.x + 1 + column * columnWidth
            pen.canvas.draw(line.0, x: x, y: rect.inner.y + row, style: pen.style(line.1), maxWidth: min(columnWidth - 1, rect.inner.maxX - x))
        }
    }
}
