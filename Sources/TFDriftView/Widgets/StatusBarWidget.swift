import TFDriftCore

/// What the status bar says, most important first: the link (or a mark per server), then topics, counts, gaps,
/// errors and the server, each with a priority for when the width runs out (0 always stays).
struct StatusBarModel {
    struct Segment {
        var text: String
        var role: Role
        var priority: Int
    }

    var segments: [Segment]
    /// While a filter is typed the bar is the filter line.
    var filter: FilterLineModel?
}

/// The status bar: as many segments as fit, the least important dropped first and a long one shortened first.
struct StatusBarWidget {
    let model: StatusBarModel

    func draw(_ pen: inout Pen, _ rect: Rect) {
        if let filter = model.filter { return FilterLineWidget(model: filter).draw(&pen, rect) }
        pen.canvas.fill(rect, style: pen.style(.statusBar))
        let separator = " \(pen.glyphs.separator) "
        var x = rect.x
        for (i, segment) in StatusBarWidget.fitted(model.segments, width: rect.width).enumerated() {
            if i > 0 { x += pen.canvas.draw(separator, x: x, y: rect.y, style: pen.style(.statusBar)) }
            x += pen.canvas.draw(segment.text, x: x, y: rect.y, style: pen.style(segment.role), maxWidth: rect.maxX - x)
        }
    }

    /// Drops the least important segments until the rest fits; the first always stays.
    static func fitted(_ segments: [StatusBarModel.Segment], width: Int) -> [StatusBarModel.Segment] {
        var kept = segments
        func used(_ list: [StatusBarModel.Segment]) -> Int {
            list.map { TextWidth.width(of: $0.text) }.reduce(0, +) + 3 * max(0, list.count - 1)
        }
        while used(kept) > width, kept.count > 1 {
            let drop = kept.indices.dropFirst().max { kept[$0].priority < kept[$1].priority }!
            // A long segment is shortened before it is dropped: part of a reason beats none.
            let others = used(kept.enumerated().filter { $0.offset != drop }.map(\.element)) + 3
            if TextWidth.width(of: kept[drop].text) > 24, width - others >= 16 {
                kept[drop].text = shortened(kept[drop].text, to: width - others)
                break
            }
            kept.remove(at: drop)
        }
        return kept
    }

    /// A status segment made to fit: an aside in parentheses goes first (`(real v0.14.0)`), then the middle of an
    /// address or path (it keeps its port and `/ws`, its file name) or the end of other text.
    static func shortened(_ text: String, to cells: Int) -> String {
        var main = text
        if let aside = text.ranges(of: " (").last, text.hasSuffix(")") {
            main = String(text[..<aside.lowerBound])
        }
        // Only addresses and paths lose their middle; other text keeps its start, which says what it is.
        return main.contains("/") ? TextWidth.truncateMiddle(main, to: cells) : TextWidth.truncate(main, to: cells)
    }
}

/// The filter being typed: its terms (the ones not understood marked), how many items pass, the first problem.
struct FilterLineModel {
    var terms: [(text: String, valid: Bool)]
    var shown: Int
    /// Why the first term not understood is ignored.
    var problem: String?
    var keys: String
}

/// `/ sev:crit type:aws_iam* bogus:x █  ← unknown field bogus, ignored  12 shown · Enter keeps · Esc back`
struct FilterLineWidget {
    let model: FilterLineModel

    func draw(_ pen: inout Pen, _ rect: Rect) {
        pen.canvas.fill(rect, style: pen.style(.statusBar))
        var x = rect.x
        x += pen.canvas.draw("/ ", x: x, y: rect.y, style: pen.style(.statusGood), maxWidth: rect.maxX - x)
        for term in model.terms where x < rect.maxX {
            x += pen.canvas.draw(term.text, x: x, y: rect.y, style: pen.style(term.valid ? .statusBar : .statusBad), maxWidth: rect.maxX - x)
            x += pen.canvas.draw(" ", x: x, y: rect.y, style: pen.style(.statusBar), maxWidth: rect.maxX - x)
        }
        x += pen.canvas.draw("█", x: x, y: rect.y, style: pen.style(.statusBar), maxWidth: rect.maxX - x)
        var hint = "  \(Format.count(model.shown)) shown · " + model.keys
        if let problem = model.problem { hint = "  ← \(problem), ignored" + hint }
        pen.canvas.draw(hint, x: x, y: rect.y, style: pen.style(model.problem == nil ? .statusBar : .statusWarn), maxWidth: rect.maxX - x)
    }
}

/// The top line: the program's name, the topics by number (on or off where the keys act), and how to get help.
struct HeaderModel {
    var topics: [(label: String, on: Bool)]
    var hint: String
}

struct HeaderWidget {
    let model: HeaderModel

    func draw(_ pen: inout Pen, _ rect: Rect) {
        pen.canvas.fill(rect, style: pen.style(.headerBar))
        var x = rect.x
        x += pen.canvas.draw(" tfdrift-tui ", x: x, y: rect.y, style: pen.style(.headerBar).with(bold: true), maxWidth: rect.width)
        for topic in model.topics {
            let label = " \(topic.label) "
            guard x + TextWidth.width(of: label) < rect.maxX else { break }
            x += pen.canvas.draw(label, x: x, y: rect.y, style: pen.style(topic.on ? .topicOn : .topicOff))
            x += pen.canvas.draw(" ", x: x, y: rect.y, style: pen.style(.headerBar))
        }
        let hint = " \(model.hint) "
        let w = TextWidth.width(of: hint)
        if rect.maxX - w > x {
            pen.canvas.draw(hint, x: rect.maxX - w, y: rect.y, style: pen.style(.keyHint))
        }
    }
}
