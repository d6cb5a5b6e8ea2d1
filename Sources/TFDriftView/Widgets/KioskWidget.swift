import TFDriftCore
import TFDriftWire

/// What the war room shows, and where: a clock, an alarm that cannot be missed when the data stops (or a server
/// cannot see), severity counters sized for a wall, the newest critical drifts in full width, and the Drifts and
/// Events panes.
struct KioskModel {
    enum Counters {
        /// The totals by severity, a box each.
        case totals([Severity: Int])
        /// A row per server (a stale one in the alarm colour), then the total.
        case perServer([ServerCounts.Row], nameWidth: Int)
    }

    enum Status {
        /// The question after `q`.
        case confirming(String)
        /// The link (or a mark per server), green when every link is open; the keys at the right.
        case line(String, good: Bool, hint: String)
    }

    // Where each part goes.
    var header: Rect
    var banner: Rect
    var counters: Rect
    var criticals: Rect
    var status: Rect

    var clock: String
    /// The server's address, or the servers' names.
    var servers: String
    /// `DATA STALE …` or `SERVER BLIND …`; nil while all is well.
    var alarm: String?
    /// ` ● LIVE · last message 3s ago`, while no alarm.
    var live: String
    var counterValues: Counters
    /// Block digits (a tall screen), or plain figures.
    var big: Bool
    /// The newest critical drifts, a line each.
    var criticalLines: [String]
    var drifts: (Rect, ListPaneModel)
    var events: (Rect, ListPaneModel)
    var statusLine: Status
}

/// The war-room screen, drawn from its model.
struct KioskWidget {
    let model: KioskModel

    static let counted: [Severity] = [.critical, .high, .medium, .low]

    func draw(_ pen: inout Pen) {
        header(&pen, model.header)
        banner(&pen, model.banner)
        counters(&pen, model.counters)
        criticals(&pen, model.criticals)
        ListPaneWidget(model: model.drifts.1).draw(&pen, model.drifts.0)
        ListPaneWidget(model: model.events.1).draw(&pen, model.events.0)
        status(&pen, model.status)
    }

    func header(_ pen: inout Pen, _ rect: Rect) {
        pen.canvas.fill(rect, style: pen.style(.headerBar))
        pen.canvas.draw(" TFDRIFT · WAR ROOM ", x: rect.x, y: rect.y, style: pen.style(.headerBar).with(bold: true), maxWidth: rect.width)
        let clock = " \(model.clock) "
        let server = " \(model.servers) "
        let clockWidth = TextWidth.width(of: clock)
        pen.canvas.draw(clock, x: rect.maxX - clockWidth, y: rect.y, style: pen.style(.headerBar).with(bold: true), maxWidth: clockWidth)
        let serverWidth = TextWidth.width(of: server)
        if rect.width - clockWidth - serverWidth > 22 {
            pen.canvas.draw(server, x: rect.maxX - clockWidth - serverWidth, y: rect.y, style: pen.style(.headerBar), maxWidth: serverWidth)
        }
    }

    /// The alarm across the full width in the alarm colours, centred; a quiet line saying it is live otherwise.
    func banner(_ pen: inout Pen, _ rect: Rect) {
        guard let alarm = model.alarm else {
            pen.canvas.draw(model.live, x: rect.x, y: rect.y + rect.height / 2, style: pen.style(.dim), maxWidth: rect.width)
            return
        }
        pen.canvas.fill(rect, style: pen.style(.stale))
        let x = rect.x + max(0, (rect.width - TextWidth.width(of: alarm)) / 2)
        pen.canvas.draw(alarm, x: x, y: rect.y + rect.height / 2, style: pen.style(.stale), maxWidth: rect.maxX - x)
    }

    func counters(_ pen: inout Pen, _ rect: Rect) {
        switch model.counterValues {
        case .perServer(let rows, let nameWidth):
            serverCounters(&pen, rect, rows: rows, nameWidth: nameWidth)
        case .totals(let counts):
            let boxes = Layout.split(rect, .horizontal, KioskWidget.counted.map { _ in .fill(1) })
            for (severity, box) in zip(KioskWidget.counted, boxes) {
                pen.box(box, title: severity.label.uppercased(), note: "", focused: false)
                let text = Format.compact(counts[severity] ?? 0)
                let style = pen.style(.severity(severity))
                if model.big { bigNumber(&pen, text, in: box.inner, style: style) } else { plainNumber(&pen, text, in: box.inner, style: style) }
            }
        }
    }

    /// A number in block digits as large as fit `rect` (centred), or plain when not even the smallest fit.
    func bigNumber(_ pen: inout Pen, _ text: String, in rect: Rect, style: Style) {
        guard let scale = BigDigits.largestScale(of: text, width: rect.width, height: rect.height) else {
            return plainNumber(&pen, text, in: rect, style: style)
        }
        let x = rect.x + (rect.width - BigDigits.width(of: text, scale: scale)) / 2
        let y = rect.y + (rect.height - BigDigits.height * scale) / 2
        for (row, line) in BigDigits.rows(of: text, pixel: pen.glyphs.barFull, scale: scale).enumerated() {
            pen.canvas.draw(line, x: x, y: y + row, style: style, maxWidth: rect.maxX - x)
        }
    }

    func plainNumber(_ pen: inout Pen, _ text: String, in rect: Rect, style: Style) {
        let x = rect.x + max(0, (rect.width - TextWidth.width(of: text)) / 2)
        pen.canvas.draw(text, x: x, y: rect.y + rect.height / 2, style: style.with(bold: true), maxWidth: rect.maxX - x)
    }

    func serverCounters(_ pen: inout Pen, _ rect: Rect, rows: [ServerCounts.Row], nameWidth: Int) {
        pen.box(rect, title: "By server", note: "", focused: false)
        let inner = rect.inner
        let cell = max(6, (inner.width - nameWidth - 2) / KioskWidget.counted.count)
        // Room for block digits in every row: each server's counts as large as the room lets them be, centred
        // under centred titles; plain figures are right-aligned under theirs.
        let rowHeight = rows.isEmpty ? 0 : (inner.height - 1) / rows.count
        let big = rowHeight >= BigDigits.height + 1
        var x = inner.x + 1 + nameWidth + 1
        for severity in KioskWidget.counted {
            let label = severity.label.uppercased()
            let text = big ? String(repeating: " ", count: max(0, (cell - 1 - label.count) / 2)) + label : TextWidth.fit(label, cell, alignRight: true)
            pen.canvas.draw(text, x: x, y: inner.y, style: pen.style(.columnHeader), maxWidth: inner.maxX - x)
            x += cell
        }
        if big {
            for (offset, row) in rows.enumerated() {
                let y = inner.y + 1 + offset * rowHeight
                pen.canvas.draw(TextWidth.fit(row.name, nameWidth), x: inner.x + 1, y: y + rowHeight / 2, style: pen.style(row.role), maxWidth: nameWidth)
                var cx = inner.x + 1 + nameWidth + 1
                for severity in KioskWidget.counted {
                    let count = Format.compact(row.stats.severityCounts[severity] ?? 0)
                    bigNumber(&pen, count, in: Rect(x: cx, y: y, width: cell - 1, height: rowHeight - 1), style: pen.style(.severity(severity)))
                    cx += cell
                }
            }
            return
        }
        for (offset, row) in rows.enumerated() where inner.y + 1 + offset < inner.maxY {
            let y = inner.y + 1 + offset
            pen.canvas.draw(TextWidth.fit(row.name, nameWidth), x: inner.x + 1, y: y, style: pen.style(row.role), maxWidth: nameWidth)
            var cx = inner.x + 1 + nameWidth + 1
            for severity in KioskWidget.counted {
                let count = row.stats.severityCounts[severity] ?? 0
                pen.canvas.draw(TextWidth.fit(Format.compact(count), cell, alignRight: true), x: cx, y: y, style: pen.style(.severity(severity)).with(bold: true), maxWidth: inner.maxX - cx)
                cx += cell
            }
        }
    }

    /// The newest critical drifts, one per row across the full width (as many as the box holds).
    func criticals(_ pen: inout Pen, _ rect: Rect) {
        pen.box(rect, title: "Newest critical drifts", note: "", focused: false)
        let inner = rect.inner
        guard inner.height > 0, inner.width > 2 else { return }
        var y = inner.y
        for line in model.criticalLines.prefix(inner.height) {
            pen.canvas.draw(TextWidth.truncate(line, to: inner.width - 1), x: inner.x + 1, y: y, style: pen.style(.severity(.critical)), maxWidth: inner.width - 1)
            y += 1
        }
        if y == inner.y {
            pen.canvas.draw("none so far", x: inner.x + 1, y: y, style: pen.style(.dim), maxWidth: inner.width - 1)
        }
    }

    func status(_ pen: inout Pen, _ rect: Rect) {
        pen.canvas.fill(rect, style: pen.style(.statusBar))
        switch model.statusLine {
        case .confirming(let question):
            pen.canvas.draw(question, x: rect.x, y: rect.y, style: pen.style(.statusBad), maxWidth: rect.width)
        case .line(let text, let good, let hint):
            pen.canvas.draw(text, x: rect.x, y: rect.y, style: pen.style(good ? .statusGood : .statusWarn), maxWidth: rect.width)
            let w = TextWidth.width(of: hint)
            if rect.width - TextWidth.width(of: text) > w + 2 {
                pen.canvas.draw(hint, x: rect.maxX - w, y: rect.y, style: pen.style(.statusBar), maxWidth: w)
            }
        }
    }
}

/// Digits five cells tall, drawn with block characters, for counters read from across a room.
enum BigDigits {
    static let height = 5
    static let font: [Character: [String]] = [
        "0": ["###", "# #", "# #", "# #", "###"], "1": [" # ", "## ", " # ", " # ", "###"],
        "2": ["###", "  #", "###", "#  ", "###"], "3": ["###", "  #", " ##", "  #", "###"],
        "4": ["# #", "# #", "###", "  #", "  #"], "5": ["###", "#  ", "###", "  #", "###"],
        "6": ["###", "#  ", "###", "# #", "###"], "7": ["###", "  #", "  #", "  #", "  #"],
        "8": ["###", "# #", "###", "# #", "###"], "9": ["###", "# #", "###", "  #", "###"],
        ".": ["   ", "   ", "   ", "   ", " # "], "k": ["#  ", "# #", "## ", "# #", "# #"],
        "M": ["# #", "###", "# #", "# #", "# #"],
    ]

    /// At `scale`, every dot of the font is `scale` cells wide and `scale` rows tall, and so is the gap.
    static func width(of text: String, scale: Int = 1) -> Int { max(0, text.count * 4 * scale - scale) }

    /// The largest scale (up to 8) at which `text` fits `width` × `height` cells; nil when not even 1 does.
    static func largestScale(of text: String, width: Int, height: Int) -> Int? {
        (1...8).last { self.width(of: text, scale: $0) <= width && self.height * $0 <= height }
    }

    static func rows(of text: String, pixel: String, scale: Int = 1) -> [String] {
        (0..<height).flatMap { row in
            let line = text.map { ch in (font[ch] ?? ["   ", "   ", "   ", "   ", "   "])[row] }.joined(separator: " ")
                .map { String(repeating: $0 == "#" ? pixel : " ", count: scale) }.joined()
            return Array(repeating: line, count: scale)
        }
    }
}
