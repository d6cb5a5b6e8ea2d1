import TFDriftCore
import TFDriftWire

/// `!`: the last protocol problems, newest first, with time and how many times in a row each came, and the
/// counters, so an operator can tell a broken server from a broken client.
struct ProblemsWidget {
    let diagnostics: Diagnostics
    let offset: Int
    let utcOffset: Int
    /// The servers' names, for problems of one server among several.
    var serverNames: [String] = []

    /// Problems newest first, consecutive repeats folded into one line with a count.
    func entries() -> [(problem: Problem, count: Int)] {
        var entries: [(problem: Problem, count: Int)] = []
        let log = diagnostics.problems
        guard let newest = log.newestSeq, let oldest = log.oldestSeq else { return [] }
        for seq in stride(from: newest, through: oldest, by: -1) {
            guard let problem = log[seq] else { continue }
            if let last = entries.last, last.problem.kind == problem.kind, last.problem.server == problem.server {
                entries[entries.count - 1].count += 1
            } else {
                entries.append((problem, 1))
            }
        }
        return entries
    }

    func draw(_ pen: inout Pen, _ rect: Rect) {
        pen.canvas.fill(rect, style: pen.style(.text))
        let d = diagnostics
        pen.box(rect, title: "Problems \(Format.count(d.problems.count))", note: KeyHints.line(Hints.problems, room: 40), focused: true)
        let inner = rect.inner
        // One detection that reached the client both live and from the REST list is shown once: said here.
        let counters = [
            "received \(Format.count(d.messagesReceived)) · malformed \(Format.count(d.malformed)) · unknown \(Format.count(d.unknown)) · server errors \(Format.count(d.serverErrors))",
            "refused sends \(Format.count(d.sendFailures)) · outbox dropped \(Format.count(d.outboxDropped)) · unasked acks \(Format.count(d.unrequestedAcks)) · configuration \(Format.count(d.configProblems))",
            "drifts that came both ways, shown once: \(Format.count(d.mergedLive)) live · \(Format.count(d.mergedListed)) listed · \(Format.count(d.undecided)) undecided",
        ]
        let top = counters.count + 1
        guard inner.height > top, inner.width > 10 else { return }
        for (i, line) in counters.enumerated() {
            pen.canvas.draw(line, x: inner.x + 1, y: inner.y + i, style: pen.style(.dim), maxWidth: inner.width - 1)
        }
        let list = entries()
        if list.isEmpty {
            pen.canvas.draw("no problems so far", x: inner.x + 1, y: inner.y + top, style: pen.style(.dim), maxWidth: inner.width - 1)
            return
        }
        let rows = inner.height - top
        let first = min(offset, max(0, list.count - rows))
        for (i, entry) in list.dropFirst(first).prefix(rows).enumerated() {
            let y = inner.y + top + i
            var x = inner.x + 1
            x += pen.canvas.draw(Timestamp.clock(entry.problem.at, utcOffset: utcOffset) + "  ", x: x, y: y, style: pen.style(.dim), maxWidth: inner.maxX - x)
            x += pen.canvas.draw(TextWidth.fit(entry.problem.source.rawValue, 10) + " ", x: x, y: y, style: pen.style(.columnHeader), maxWidth: inner.maxX - x)
            let count = entry.count > 1 ? "  ×\(entry.count)" : ""
            let room = inner.maxX - x - TextWidth.width(of: count)
            x += pen.canvas.draw(TextWidth.truncate(Wording.problem(entry.problem) { serverNames.indices.contains($0) ? serverNames[$0] : "?" }, to: max(1, room)), x: x, y: y, style: pen.style(.text), maxWidth: max(0, room))
            if !count.isEmpty { pen.canvas.draw(count, x: x, y: y, style: pen.style(.warning), maxWidth: inner.maxX - x) }
        }
    }
}
