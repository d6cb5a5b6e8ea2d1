import TFDriftCore
import TFDriftWire

/// The command palette overlay: the line being typed, the matching actions with their keys, and what the last
/// command said (a query's exchange with the server included). A widget value: it holds only what it shows.
struct PaletteWidget {
    let palette: PaletteState
    /// The theme names `theme …` completes.
    let themes: [String]
    let query: QueryExchange?
    let linkOpen: Bool
    let glyphs: Glyphs

    /// Across the top of `body` (under the header), as wide as 76 cells or the body less a margin each side.
    func draw(_ pen: inout Pen, in body: Rect) {
        let width = min(body.width - 2, 76)
        let matches = Palette.matches(palette.text, themes: themes)
        let feedback = feedback()
        let listRows = max(1, min(matches.count, body.height - 4 - feedback.count, 12))
        let height = min(body.height, 3 + listRows + (feedback.isEmpty ? 0 : feedback.count + 1))
        let rect = Layout.top(width: width, height: height, in: body)
        pen.canvas.fill(rect, style: pen.style(.text))
        let hints = KeyHints.line(Hints.palette, room: max(0, rect.width - 14))
        pen.box(rect, title: "Command", note: hints, focused: true)
        let inner = rect.inner
        let x = inner.x + 1
        let room = inner.width - 2
        var y = inner.y
        let used = pen.canvas.draw(": ", x: x, y: y, style: pen.style(.statusGood), maxWidth: room)
        let typed = TextWidth.truncateFront(palette.text, to: max(0, room - used - 1))
        let typedWidth = pen.canvas.draw(typed, x: x + used, y: y, style: pen.style(.text), maxWidth: room - used)
        pen.canvas.draw("█", x: x + used + typedWidth, y: y, style: pen.style(.dim), maxWidth: max(0, room - used - typedWidth))
        y += 1
        let selected = palette.selection(among: matches.count) ?? 0
        // Keep the selection in view when it moves past the rows shown.
        let first = max(0, selected - listRows + 1)
        for (index, entry) in matches.enumerated().dropFirst(first).prefix(listRows) where y < inner.maxY {
            let highlight = index == selected
            let keyWidth = 12
            if highlight { pen.canvas.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: pen.style(.selected)) }
            let role: Role = highlight ? .selected : .text
            pen.canvas.draw(TextWidth.fit(entry.name, max(1, room - keyWidth - 1)), x: x, y: y, style: pen.style(role), maxWidth: room - keyWidth - 1)
            pen.canvas.draw(TextWidth.fit(entry.keyLabel, keyWidth), x: x + room - keyWidth, y: y, style: pen.style(highlight ? .selected : .keyHint), maxWidth: keyWidth)
            y += 1
        }
        if matches.isEmpty, y < inner.maxY {
            pen.canvas.draw("no action matches; commands: query filter subscribe unsubscribe provider export", x: x, y: y, style: pen.style(.dim), maxWidth: room)
            y += 1
        }
        guard !feedback.isEmpty, y < inner.maxY else { return }
        for cx in inner.x..<inner.maxX { pen.canvas.draw(glyphs.horizontal, x: cx, y: y, style: pen.style(.border)) }
        y += 1
        for line in feedback where y < inner.maxY {
            pen.canvas.draw(line.0, x: x, y: y, style: pen.style(line.1), maxWidth: room)
            y += 1
        }
    }

}

extension PaletteWidget {
    /// What the last command said; for a query, what went out and what the server answered.
    func feedback() -> [(String, Role)] {
        // Typing stops at the limit: said, or a long query would just seem to stop taking keys.
        let limit: [(String, Role)] = palette.text.count >= Palette.maximumText
            ? [("at the \(Palette.maximumText)-character limit: the real server closes the link (1009) on a message over 512 bytes", .warning)]
            : []
        return limit + commandFeedback()
    }

    func commandFeedback() -> [(String, Role)] {
        switch palette.feedback {
        case nil:
            return []
        case .invalid(let why):
            return [(why, .warning)]
        case .querySent:
            guard let query else { return [] }
            var lines: [(String, Role)] = [("\(glyphs.arrow) query \(query.request)", .dim)]
            switch query.answer {
            case nil:
                let waiting = linkOpen ? "waiting for the server's answer…" : "queued until the link is back…"
                lines.append((waiting, .dim))
            case let answer?:
                lines.append(Wording.queryAnswer(answer))
            }
            return lines
        }
    }
}
