import TFDriftCore
import TFDriftWire

/// What the blast radius view shows: a pure function of the detail's `BlastRadius`, the clock and the server's
/// name, so the widget never sees the whole state.
struct BlastRadiusModel: Equatable {
    enum Body: Equatable {
        /// Still asked: seconds since, for the loading mark.
        case asking(seconds: Int)
        case nodes([BlastRadius.Node], counts: [String], affected: Int, leftOut: Int, dependents: Int?)
        /// The graph holds the resource, and nothing around it.
        case alone
        case notInGraph
        case failed(String)
    }

    var resource: String
    /// `on prod` with several servers, else empty.
    var server: String
    var body: Body
    var selected: Int
    /// Why the dependents could not be told apart, when the impact came but they did not.
    var dependentsProblem: String?

    init(_ blast: BlastRadius, now: Double, serverName: String?) {
        resource = blast.resourceID
        server = serverName.map { "on \($0)" } ?? ""
        selected = blast.selected
        switch blast.dependents {
        case .failed(let why): dependentsProblem = why
        case .notInGraph: dependentsProblem = "the server has no dependents for it"
        case .loading, .found: dependentsProblem = nil
        }
        switch blast.impact {
        case .loading:
            body = .asking(seconds: Checked.clamped(now - blast.askedAt, to: 0...86_400))
        case .notInGraph:
            body = .notInGraph
        case .failed(let why):
            body = .failed(why)
        case .found(let impact):
            let rows = blast.rows
            if rows.isEmpty {
                body = .alone
            } else {
                let counts = BlastRadius.countsByType(rows).map { "\($0.type) \($0.count)" }
                var dependents: Int?
                if case .found = blast.dependents { dependents = rows.filter(\.dependent).count }
                body = .nodes(rows, counts: counts, affected: impact.affected, leftOut: impact.leftOut, dependents: dependents)
            }
        }
    }
}

/// `b` in the detail view: the resources around a drifted one, nearest first, each with its relation and depth.
struct BlastRadiusWidget {
    typealias Line = [(String, Role)]

    let model: BlastRadiusModel

    /// Lines above the list, and the index of the list's first line.
    func header(width: Int) -> [Line] {
        // The resource's name and id in full, over as many lines as they need.
        var lines: [Line] = BlastRadiusWidget.flow(["What depends on"] + model.resource.split(separator: " ").map(String.init) + [model.server],
                                                   width: width, separator: " ").map { [($0, .title)] }
        switch model.body {
        case .asking(let seconds):
            lines.append([("asking the server's resource graph… \(seconds) s", .dim), ("  (\(Hints.blastRadiusCancel.text ?? ""))", .dim)])
        case .notInGraph:
            lines.append([("not in the server's resource graph (is its Terraform state loaded?)", .warning)])
        case .alone:
            lines.append([("in the server's resource graph, with nothing linked to it within \(BlastRadius.depth) hops", .dim)])
        case .failed(let why):
            lines.append([("could not ask: \(why)", .warning)])
        case .nodes(let rows, let counts, let affected, let leftOut, let dependents):
            let dependentWords = dependents.map { " · \($0) \($0 == 1 ? "depends" : "depend") on it" } ?? " · telling dependents apart…"
            lines.append([("\(Format.count(affected)) resources within \(BlastRadius.depth) hops\(dependentWords)", .text)])
            if leftOut > 0 { lines.append([("\(Format.count(leftOut)) more not listed (repeated, unnamed or past \(BlastRadius.maximumNodes))", .dim)]) }
            if let problem = model.dependentsProblem { lines.append([("dependents unknown: \(problem)", .warning)]) }
            lines += BlastRadiusWidget.flow(["by type:"] + counts, width: width, separator: " · ").map { [($0, .dim)] }
            lines.append([])
            lines.append([(columns("DEPTH", "RELATION", "TYPE", "ID", "NAME", width: width, rows: rows), .columnHeader)])
        }
        return lines
    }

    /// Words joined by `separator` into as many lines as `width` needs; only a word wider than a line is cut.
    static func flow(_ words: [String], width: Int, separator: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in words where !word.isEmpty {
            let joined = line.isEmpty ? word : line + (line.hasSuffix(":") ? " " : separator) + word
            if !line.isEmpty, TextWidth.width(of: joined) > width {
                lines.append(line)
                line = "  " + word
            } else {
                line = joined
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    func columns(_ depth: String, _ relation: String, _ type: String, _ id: String, _ name: String, width: Int, rows: [BlastRadius.Node]) -> String {
        let typeWidth = min(28, max(4, rows.map { TextWidth.width(of: $0.type) }.max() ?? 4))
        let fixed = 6 + 14 + typeWidth + 2
        // The id names the resource: it gets the room, the name what is left (at least its own width up to 16).
        let nameWidth = min(16, max(4, rows.map { TextWidth.width(of: $0.name) }.max() ?? 4))
        let idWidth = max(6, min(64, width - fixed - nameWidth - 2))
        var text = TextWidth.fit(depth, 5) + " " + TextWidth.fit(relation, 13) + " " + TextWidth.fit(type, typeWidth) + "  "
        text += TextWidth.fit(id, idWidth)
        let nameRoom = width - fixed - idWidth - 2
        if nameRoom > 3 { text += "  " + TextWidth.fit(name, nameRoom) }
        return text
    }

    func draw(_ pen: inout Pen, _ rect: Rect) {
        pen.canvas.fill(rect, style: pen.style(.text))
        let hint = KeyHints.line(Hints.blastRadius, room: rect.width - 20)
        pen.box(rect, title: "Blast radius", note: hint, focused: true)
        let inner = rect.inner
        let width = inner.width - 2
        guard width > 4, inner.height > 0 else { return }
        let top = header(width: width)
        for (i, line) in top.prefix(inner.height).enumerated() {
            var x = inner.x + 1
            for (text, role) in line where x < inner.maxX {
                x += pen.canvas.draw(text, x: x, y: inner.y + i, style: pen.style(role), maxWidth: inner.maxX - x)
            }
        }
        guard case .nodes(let rows, _, _, _, _) = model.body else { return }
        let room = inner.height - top.count
        guard room > 0 else { return }
        // The selected row stays in view: the list scrolls by whole pages of what fits.
        let first = (model.selected / room) * room
        for (i, node) in rows.dropFirst(first).prefix(room).enumerated() {
            let selected = first + i == model.selected
            let relation = node.dependent ? "depends on it" : "linked"
            let text = columns(node.depth.map(String.init) ?? "?", relation, node.type, node.id, node.name, width: width, rows: rows)
            let role: Role = selected ? .selected : node.dependent ? .text : .dim
            if selected { pen.canvas.fill(Rect(x: inner.x, y: inner.y + top.count + i, width: inner.width, height: 1), style: pen.style(.selected)) }
            pen.canvas.draw(text, x: inner.x + 1, y: inner.y + top.count + i, style: pen.style(role), maxWidth: width)
        }
    }
}
