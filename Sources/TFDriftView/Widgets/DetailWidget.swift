import TFDriftCore
import TFDriftWire

/// The full-screen view of one item: every field; for a drift, the old and new values side by side as indented
/// JSON with the differing lines marked; `r` shows the message exactly as received. Pure: lines from the item.
struct DetailView {
    typealias Line = [(String, Role)]

    /// The item shown; nil once it left the pane's history.
    let item: DetailItem?
    let detail: DetailState
    let width: Int
    let offset: Int

    /// Content lines, already wrapped to `width`.
    func lines() -> [Line] {
        if detail.raw { return rawLines() }
        return item?.lines(self) ?? gone()
    }

    func gone() -> [Line] { [[("This item is no longer in the pane's history.", .dim)]] }

    var raw: String { item?.raw ?? "" }

    /// The message as received: indented when it parses, as text when it was cut at the raw limit.
    func rawLines() -> [Line] {
        let text = raw
        guard !text.isEmpty else { return [[("No raw message kept for this item.", .dim)]] }
        if let json = try? JSONParser.parse(text) {
            return json.prettyLines().flatMap { wrap($0, width, .text) }
        }
        return [[("(cut at \(Ingest.maximumRawBytes) bytes)", .dim)]] + wrap(text, width, .text)
    }

    var body: JSONValue? {
        guard let json = try? JSONParser.parse(raw) else { return nil }
        return json["data"] ?? json["payload"] ?? json
    }

    func field(_ name: String, _ value: String, _ role: Role = .text) -> [Line] {
        let label = TextWidth.fit(name, 11)
        return wrap(value.isEmpty ? "—" : value, max(1, width - 12), role).enumerated().map { i, line in
            [(i == 0 ? label : String(repeating: " ", count: 11), Role.columnHeader), (" ", .text)] + line
        }
    }

    func when(_ time: Double?) -> String {
        guard let time else { return "" }
        return Timestamp.format(time)
    }

    func driftLines(_ d: DriftRecord) -> [Line] {
        var lines: [Line] = [[("Drift ", .title), (Format.severityTag(d.severity), .severity(d.severity)),
                              ("  \(d.resourceType).\(d.resourceName.isEmpty ? d.resourceID : d.resourceName)", .title)]]
        let identity = body?["user_identity"]
        let rules = body?["matched_rules"]?.arrayValue?.compactMap { $0.stringValue }.map { Sanitizer.clean($0, limit: 120) } ?? []
        // What changed comes first, so it is on screen even at 80x24; the rest follows.
        lines += field("Resource", "\(d.resourceType).\(d.resourceName)  \(d.resourceID)")
        lines += field("Attribute", d.attribute)
        let newValue = value(body?["new_value"], d.newValue)
        lines += sideBySide(old: value(body?["old_value"], d.oldValue), new: newValue)
        lines.append([])
        lines += contextLines(d, newValue: newValue)
        lines += field("Severity", d.severity.label, .severity(d.severity))
        lines += field("User", d.user)
        for (label, key) in [("Identity", "Type"), ("ARN", "ARN"), ("Account", "AccountID"), ("User name", "UserName")] {
            if let value = identity?[key]?.stringValue, !value.isEmpty { lines += field(label, Sanitizer.clean(value, limit: 300)) }
        }
        lines += field("Rules", rules.joined(separator: ", "))
        lines += field("Detected", d.eventTime.map { Timestamp.format($0) } ?? "(the server sent no time)")
        lines += field("Received", when(d.receivedAt))
        lines += field("Source", d.history ? "history (loaded at start)" : d.backfilled ? "backfill after a gap" : "live")
        return lines
    }

    /// What the server said when asked for more (`c`): its own record of the resource's drift, and what
    /// Terraform declares for the attribute next to its new value. A 404 is said in words, never an error.
    func contextLines(_ d: DriftRecord, newValue: [String]) -> [Line] {
        guard let context = detail.context else {
            return [[("c asks the server for more: its record of this resource and what Terraform declares; b what depends on it", .dim)], []]
        }
        var lines: [Line] = [[("Terraform declares", .columnHeader)]]
        switch context.declared {
        case .loading: lines.append([("asking the server…", .dim)])
        case .notFound: lines.append([("not in the server's Terraform state (no state loaded, or the resource is unmanaged)", .dim)])
        case .failed(let why): lines.append([("could not ask: \(why)", .warning)])
        case .found(let resource):
            let attributes = resource["attributes"]
            if let declared = attributes?[d.attribute] {
                lines += sideBySide(old: value(declared, ""), new: newValue, titles: ("DECLARED", "NOW"))
            } else {
                let pretty = (attributes ?? resource).prettyLines().prefix(40).map { Sanitizer.clean($0, limit: 1024) }
                lines += pretty.flatMap { wrap($0, width, .text) }
            }
        }
        lines.append([])
        // The server answers `/drifts/{id}` with its oldest drift of the resource, which need not be this one.
        lines.append([("The server's oldest drift of \(context.resourceID)", .columnHeader)])
        switch context.drift {
        case .loading: lines.append([("asking the server…", .dim)])
        case .notFound: lines.append([("the server has no drift for this resource (404)", .dim)])
        case .failed(let why): lines.append([("could not ask: \(why)", .warning)])
        case .found(let record):
            let when = record["timestamp"]?.stringValue.flatMap(Timestamp.parse).map { " (detected \(Timestamp.format($0)))" } ?? " (no time given)"
            let sameChange = record["attribute"]?.stringValue.map { Sanitizer.clean($0, limit: 256) } == d.attribute
                && record["new_value"].map { $0.stringValue.map { Sanitizer.clean($0, limit: 256) } ?? $0.jsonText } == d.newValue
            lines += wrap(
                sameChange
                    ? "the same change as this drift\(when): this drift or an earlier detection of it"
                    : "another detection of this resource\(when), not this drift: the oldest the server keeps",
                width, sameChange ? .dim : .warning)
            for pair in record.objectValue?.pairs ?? [] {
                let text = pair.value.stringValue ?? pair.value.jsonText
                lines += field(Sanitizer.clean(pair.key, limit: 40), Sanitizer.clean(text, limit: 1024))
            }
        }
        lines.append([])
        return lines
    }

    /// A value as indented JSON lines: from the message when it is there, else from the record's text. A string
    /// that holds a JSON object or array (how Terraform keeps IAM policies) is shown as that document.
    func value(_ json: JSONValue?, _ fallback: String) -> [String] {
        let document = json.map(DetailView.unwrapped) ?? (try? JSONParser.parse(fallback)).map(DetailView.unwrapped)
        guard let document else { return [fallback] }
        return document.prettyLines().map { Sanitizer.clean($0, limit: 1024) }
    }

    static func unwrapped(_ value: JSONValue) -> JSONValue {
        guard case .string(let text) = value, let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[",
            let inner = try? JSONParser.parse(text)
        else { return value }
        return inner
    }

    /// Old on the left, new on the right, each wrapped to its half and aligned line by line like a diff: lines both
    /// sides share sit on the same row, a removed line is marked `-` (and its colour), an added one `+`, so the
    /// difference shows without colour too.
    func sideBySide(old: [String], new: [String], titles: (String, String) = ("OLD", "NEW")) -> [Line] {
        let half = max(6, (width - 3) / 2)
        func cell(_ line: String?, _ changed: Bool, _ mark: String, _ role: Role) -> [(String, Role)] {
            guard let line else { return [] }
            return wrap(line, half - 2, changed ? role : .text).enumerated().map { i, part in
                ((i == 0 && changed ? mark : "  ") + part.map(\.0).joined(), changed ? role : .text)
            }
        }
        var lines: [Line] = [[(TextWidth.fit(titles.0, half), .columnHeader), (" │ ", .border), (TextWidth.fit(titles.1, half), .columnHeader)]]
        for row in LineDiff.align(old, new) {
            let left = cell(row.old, row.new != row.old, "- ", .severity(.high))
            let right = cell(row.new, row.new != row.old, "+ ", .severity(.low))
            for i in 0..<max(left.count, right.count) {
                let l = i < left.count ? left[i] : ("", Role.text)
                let r = i < right.count ? right[i] : ("", Role.text)
                lines.append([(TextWidth.fit(l.0, half), l.1), (" │ ", .border), (TextWidth.fit(r.0, half), r.1)])
            }
        }
        return lines
    }

    func eventLines(_ e: EventRecord) -> [Line] {
        var lines: [Line] = [[("Event ", .title), (Format.severityTag(e.severity), .severity(e.severity)), ("  \(e.kindLabel) · \(e.title)", .title)]]
        lines += field("Topic", e.topic.wireName) + field("Severity", e.severity.label, .severity(e.severity))
        lines += field("What", e.title) + field("Resource", e.resource) + field("Detail", e.detail) + field("User", e.user)
        lines += field("Time", e.eventTime.map { Timestamp.format($0) } ?? "(the server sent no time)") + field("Received", when(e.receivedAt))
        lines += allFields()
        return lines
    }

    func stateLines(_ c: StateRecord) -> [Line] {
        var lines: [Line] = [[("State change ", .title), ("\(c.action) \(c.resource)", .title)]]
        lines += field("Action", c.action) + field("Resource", c.resource) + field("Detail", c.detail)
        lines += field("Received", when(c.receivedAt))
        lines += allFields()
        return lines
    }

    /// Every field of the message body, for kinds whose fields vary (events, state changes).
    func allFields() -> [Line] {
        guard let object = body?.objectValue, !object.pairs.isEmpty else { return [] }
        var lines: [Line] = [[], [("All fields", .columnHeader)]]
        for pair in object.pairs {
            let text = pair.value.stringValue ?? pair.value.jsonText
            lines += field(Sanitizer.clean(pair.key, limit: 40), Sanitizer.clean(text, limit: 1024))
        }
        return lines
    }

    /// Text cut into lines of at most `cells` cells; a continuation keeps the line's indentation, plus two.
    func wrap(_ text: String, _ cells: Int, _ role: Role) -> [Line] {
        guard cells > 0 else { return [] }
        let indent = String(repeating: " ", count: min(text.prefix { $0 == " " }.count + 2, cells / 2))
        var lines: [Line] = []
        var current = ""
        var used = 0
        for ch in text {
            let w = TextWidth.width(of: ch)
            if used + w > cells {
                lines.append([(current, role)])
                current = indent
                used = indent.count
            }
            current.append(ch)
            used += w
        }
        lines.append([(current, role)])
        return lines
    }
}

/// The item the detail view shows: the message as received, and its sections (from its pane's description).
struct DetailItem {
    var raw: String
    var lines: (DetailView) -> [DetailView.Line]
}

/// The detail view in its box: the title, the position, the keys that fit, the lines from the offset on.
struct DetailWidget {
    let item: DetailItem?
    let detail: DetailState

    func draw(_ pen: inout Pen, _ rect: Rect) {
        pen.canvas.fill(rect, style: pen.style(.text))
        let view = DetailView(item: item, detail: detail, width: rect.inner.width - 2, offset: detail.offset)
        let lines = view.lines()
        let visible = rect.inner.height
        let offset = min(detail.offset, max(0, lines.count - visible))
        let position = lines.count > visible ? "\(offset + 1)–\(min(lines.count, offset + visible))/\(lines.count)" : ""
        let title = detail.raw ? "Raw message" : "Detail"
        // The box's top line holds the title, the position and as many hints as fit beside them.
        let room = rect.width - TextWidth.width(of: title) - TextWidth.width(of: position) - 10
        let hints = KeyHints.line(Hints.detail, room: room)
        pen.box(rect, title: title, note: position.isEmpty ? hints : "\(position)  " + hints, focused: true)
        for (i, line) in lines.dropFirst(offset).prefix(visible).enumerated() {
            var x = rect.inner.x + 1
            for (text, role) in line where x < rect.inner.maxX {
                x += pen.canvas.draw(text, x: x, y: rect.inner.y + i, style: pen.style(role), maxWidth: rect.inner.maxX - x)
            }
        }
    }
}
