import TFDriftCore
import TFDriftWire

/// The command palette overlay: the line being typed, the matching actions with their keys, and what the last
/// command said (a query's exchange with the server included).
extension Painter {
    mutating func paletteOverlay(size: Size, _ palette: PaletteState) {
        let width = min(size.width - 2, 76)
        let matches = Palette.matches(palette.text)
        let feedback = paletteFeedback(palette)
        let listRows = max(1, min(matches.count, size.height - 6 - feedback.count, 12))
        let height = min(size.height - 2, 3 + listRows + (feedback.isEmpty ? 0 : feedback.count + 1))
        let rect = Rect(x: (size.width - width) / 2, y: 1, width: width, height: height)
        canvas.fill(rect, style: style(.text))
        box(rect, title: "Command", note: "Enter runs · Esc closes", focused: true)
        let inner = rect.inner
        let x = inner.x + 1
        let room = inner.width - 2
        var y = inner.y
        let used = canvas.draw(": ", x: x, y: y, style: style(.statusGood), maxWidth: room)
        let typed = TextWidth.truncateFront(palette.text, to: max(0, room - used - 1))
        let typedWidth = canvas.draw(typed, x: x + used, y: y, style: style(.text), maxWidth: room - used)
        canvas.draw("█", x: x + used + typedWidth, y: y, style: style(.dim), maxWidth: max(0, room - used - typedWidth))
        y += 1
        let selected = matches.isEmpty ? 0 : min(max(0, palette.selected), matches.count - 1)
        // Keep the selection in view when it moves past the rows shown.
        let first = max(0, selected - listRows + 1)
        for (index, entry) in matches.enumerated().dropFirst(first).prefix(listRows) where y < inner.maxY {
            let highlight = index == selected
            let keyWidth = 12
            if highlight { canvas.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: style(.selected)) }
            let role: Role = highlight ? .selected : .text
            canvas.draw(TextWidth.fit(entry.name, max(1, room - keyWidth - 1)), x: x, y: y, style: style(role), maxWidth: room - keyWidth - 1)
            canvas.draw(TextWidth.fit(entry.keyLabel, keyWidth), x: x + room - keyWidth, y: y, style: style(highlight ? .selected : .keyHint), maxWidth: keyWidth)
            y += 1
        }
        if matches.isEmpty, y < inner.maxY {
            canvas.draw("no action matches; commands: query filter subscribe unsubscribe provider export", x: x, y: y, style: style(.dim), maxWidth: room)
            y += 1
        }
        guard !feedback.isEmpty, y < inner.maxY else { return }
        for cx in inner.x..<inner.maxX { canvas.draw(glyphs.horizontal, x: cx, y: y, style: style(.border)) }
        y += 1
        for line in feedback where y < inner.maxY {
            canvas.draw(line.0, x: x, y: y, style: style(line.1), maxWidth: room)
            y += 1
        }
    }

    /// What the last command said; for a query, what went out and what the server answered.
    func paletteFeedback(_ palette: PaletteState) -> [(String, Role)] {
        switch palette.feedback {
        case nil:
            return []
        case .invalid(let why):
            return [(why, .warning)]
        case .querySent:
            guard let query = state.connection.query else { return [] }
            var lines: [(String, Role)] = [("\(glyphs.arrow) query \(query.request)", .dim)]
            switch query.answer {
            case nil:
                let waiting = state.connection.phase == .open ? "waiting for the server's answer…" : "queued until the link is back…"
                lines.append((waiting, .dim))
            case let answer?:
                lines.append(Painter.queryAnswer(answer))
            }
            return lines
        }
    }

    /// The server's answer in words: its error text is the server's reply, not a client failure.
    static func queryAnswer(_ answer: QueryExchange.Answer) -> (String, Role) {
        switch answer {
        case .error(let text): ("server answered: \(text)", .text)
        case .reply(let type): ("server answered with a \"\(type)\" message", .text)
        case .none: ("no answer within \(Int(Palette.queryTimeout)) s (the documented API defines none)", .dim)
        }
    }

    /// The status bar's confirmation of what the operator just did.
    static func noticeText(_ notice: Notice) -> (String, Role) {
        switch notice.kind {
        case .copied(let bytes): ("copied \(Format.count(bytes)) bytes of JSON to the clipboard (OSC 52)", .statusGood)
        case .nothingSelected: ("nothing selected", .statusWarn)
        case .exported(let path, let lines): ("exported \(Format.count(lines)) lines to \(path)", .statusGood)
        case .exportFailed(let path, let reason): ("export to \(path) failed: \(reason)", .statusBad)
        case .queryAnswered(let answer): (queryAnswer(answer).0, .statusGood)
        }
    }
}
