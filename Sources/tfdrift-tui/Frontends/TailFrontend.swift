#if canImport(Glibc)
import Glibc
#endif
import TFDriftCore
import TFDriftNetwork
import TFDriftRuntime
import TFDriftView
import TFDriftWire

/// Headless output: one line per event, control reply, connection change and error.
final class TailFrontend: Frontend {
    let format: TailFormat
    let count: Int?
    let deadline: Double?
    private(set) var printedEvents = 0

    init(format: TailFormat, count: Int?, duration: Double?) {
        self.format = format
        self.count = count
        self.deadline = duration.map { SystemClock.monotonic() + $0 }
    }

    /// The output waiting for the next flush; NDJSON lines are written into it directly.
    private var writer = NDJSONFieldWriter()

    var inputDescriptor: Int32? { nil }
    func readInput(state: State) -> [Action] { [] }
    /// Output is flushed once per frame (30 a second) rather than per line, so floods cost one write a frame,
    /// and at 64 KiB whatever the frame rate, so a pipe reader sees lines promptly and memory stays small.
    func present(state: State) {
        flush()
    }

    /// The last line: what was printed, and what the client merged, dropped or could not read on the way, so a
    /// script sees every count the dashboard's `!` shows.
    func finish(state: State) {
        let d = state.diagnostics
        let counts: [(String, Int)] = [
            ("events", printedEvents), ("received", d.messagesReceived), ("merged_live", d.mergedLive), ("merged_listed", d.mergedListed), ("undecided", d.undecided),
            ("backfilled", state.servers.reduce(0) { $0 + $1.rest.backfilledTotal }),
            ("history", state.servers.reduce(0) { $0 + ($1.rest.historyLoaded ?? 0) }),
            ("malformed", d.malformed), ("unknown", d.unknown), ("unasked_acks", d.unrequestedAcks), ("outbox_dropped", d.outboxDropped),
        ]
        emit(TailLine(
            kind: "summary", fields: counts.map { ($0.0, .number(Double($0.1))) },
            text: counts.map { "\($0.0.replacingOccurrences(of: "_", with: " ")) \($0.1)" }.joined(separator: " · ")))
        flush()
    }

    private func flush() {
        guard !writer.out.isEmpty else { return }
        Console.write(writer.out, to: STDOUT_FILENO)
        writer.out.removeAll(keepingCapacity: true)
    }

    /// `--duration` ends on time: the loop wakes for it even when nothing arrives.
    var wakeAt: Double? { deadline }

    /// Set once automatic retries have given up (`--max-retries`): nothing more can arrive.
    private var gaveUp = false

    var wantsToStop: Bool {
        if gaveUp { return true }
        if let count, printedEvents >= count { return true }
        if let deadline, SystemClock.monotonic() >= deadline { return true }
        return false
    }

    /// Next sequence number to print per pane: tail prints what the store accepted (deduplicated, backfilled
    /// drifts included), through the same decode → reduce path as the dashboard.
    fileprivate var next: [Pane: Int] = [:]
    private var nextProblem = 0, gapsPrinted = 0
    /// Each server's readiness as last printed: a `health` line goes out on every change.
    private var readinessPrinted: [Readiness] = []

    func observe(_ action: Action, previous: [ConnectionState], state: State) {
        // With several servers every line names its server; with one, lines are as they always were.
        let names: [String]? = state.isMultiServer ? state.servers.indices.map { state.serverName($0) } : nil
        func named(_ line: TailLine, _ server: Int) -> TailLine { names.map { line.from($0[server]) } ?? line }
        for (index, server) in state.servers.enumerated() where previous.indices.contains(index) {
            let connection = server.connection
            guard connection.phase != previous[index].phase || connection.generation != previous[index].generation else { continue }
            emit(named(TailLine.connection(connection, now: state.now, polling: server.rest.polling, unverifiedTLS: server.settings.tlsUnverified), index))
            // Nothing more can arrive once every server stopped retrying.
            if state.servers.allSatisfy({ if case .stopped = $0.connection.phase { true } else { false } }) { gaveUp = true }
        }
        var index = 0
        var inner = action
        if case .server(let k, let addressed) = action {
            index = k
            inner = addressed
        }
        switch inner {
        case .received(let generation, let items, let at) where state.servers.indices.contains(index) && generation == state.servers[index].connection.generation:
            for item in items {
                switch item {
                case .drift, .event, .stateChange: continue  // printed from the store below
                case .malformed, .control(.error): continue  // printed from the problem log below
                // Acknowledgements of topics never asked for are dropped and counted; the problem log says so.
                case .control(.subscribed(let topic)) where state.servers[index].connection.subscriptions[topic] == nil: continue
                default: emit(named(TailLine.item(item, at: at), index))
                }
            }
        default:
            break
        }
        // Every list pane's new records, in focus order; `--filter` applies through the same visibility rule as
        // the dashboard's panes.
        var printer = RecordPrinter(tail: self, state: state, names: names)
        state.feed.visitLists(&printer)
        // A failed connection is already a connection line with its reason.
        nextProblem = printNew(state.diagnostics.problems, from: nextProblem, counted: false, shown: { seq in
            state.diagnostics.problems[seq]?.source != .connection
        }) { problem in
            let line = TailLine.problem(problem, serverName: state.serverName)
            emit(problem.server.map { named(line, $0) } ?? line)
        }
        if readinessPrinted.count != state.servers.count { readinessPrinted = Array(repeating: .notAsked, count: state.servers.count) }
        for (index, server) in state.servers.enumerated() where server.rest.readiness != readinessPrinted[index] {
            readinessPrinted[index] = server.rest.readiness
            emit(named(TailLine.health(server.rest.readiness, now: state.now), index))
        }
        while gapsPrinted < state.feed.gaps.count {
            let gap = state.feed.gaps[gapsPrinted]
            emit(named(TailLine.gap(gap), gap.server))
            gapsPrinted += 1
        }
    }

    /// Prints what each list pane's history holds beyond what was printed, each record with its own type.
    private struct RecordPrinter: ListVisitor {
        let tail: TailFrontend
        let state: State
        let names: [String]?

        mutating func visit<Record: ListedRecord>(_ pane: Pane, _ history: History<Record>) {
            let (tail, state, names) = (self.tail, self.state, self.names)
            tail.next[pane] = tail.printNew(history, from: tail.next[pane] ?? 0, shown: { state.isVisible(pane, $0) }) { record in
                tail.emitRecord(record, names: names) {
                    let line = TailLine.item(record.incoming, at: record.receivedAt)
                    return names.map { line.from($0[record.server]) } ?? line
                }
            }
        }
    }

    fileprivate func printNew<Element>(
        _ history: History<Element>, from start: Int, counted: Bool = true, shown: (Int) -> Bool = { _ in true },
        print: (Element) -> Void
    ) -> Int {
        var seq = max(start, history.oldestSeq ?? start)
        while seq < history.nextSeq {
            if counted, let count, printedEvents >= count { return history.nextSeq }
            if let element = history[seq], shown(seq) {
                print(element)
                if counted { printedEvents += 1 }
            }
            seq += 1
        }
        return seq
    }

    /// A record's line. NDJSON goes from the record's fields straight into the output (the line `TailLine` would
    /// write, byte for byte, without building it: every line of a flood comes this way); text through its line.
    fileprivate func emitRecord(_ record: some FieldRecord, names: [String]?, textLine: () -> TailLine) {
        guard format == .ndjson else { return emit(textLine()) }
        writer.out.append(contentsOf: #"{"kind":"event""#.utf8)
        if let names, names.indices.contains(record.server) { writer.field("server", .string(names[record.server])) }
        record.writeFields(to: &writer)
        writer.out.append(UInt8(ascii: "}"))
        endLine()
    }

    /// NDJSON is inert by construction (the JSON writer escapes controls and bidi characters); a text line
    /// goes through the sanitiser once more, whatever its parts were, before it reaches a terminal or a pipe.
    func emit(_ line: TailLine) {
        if format == .ndjson {
            line.write(into: &writer)
        } else {
            writer.out.append(contentsOf: Sanitizer.clean(line.textLine, limit: 1 << 20).utf8)
        }
        endLine()
    }

    private func endLine() {
        writer.out.append(0x0A)
        if writer.out.count >= 1 << 16 { flush() }
    }
}

/// One output line, in both formats.
struct TailLine {
    var kind: String
    var fields: [(String, JSONValue)]
    var text: String
    /// A record whose fields follow `fields` (written straight from the record, not through pairs).
    var record: Incoming?

    init(kind: String, fields: [(String, JSONValue)], text: String, record: Incoming? = nil) {
        self.kind = kind
        self.fields = fields
        self.text = text
        self.record = record
    }

    var isEvent: Bool { kind == "event" }

    /// The NDJSON object, straight into the writer's buffer.
    func write(into writer: inout NDJSONFieldWriter) {
        writer.out.append(contentsOf: #"{"kind":"#.utf8)
        JSONValue.writeString(kind, to: &writer.out)
        for (key, value) in fields { writer.field(key, value) }
        record?.writeFields(to: &writer)
        writer.out.append(UInt8(ascii: "}"))
    }

    var textLine: String { "\(kind.padding(10)) \(text)" }

    /// The line as one of several servers printed it: `"server":"prod"` after the kind, the name before the text.
    func from(_ server: String) -> TailLine {
        TailLine(kind: kind, fields: [("server", .string(server))] + fields, text: "[\(server)] \(text)", record: record)
    }

    static func problem(_ p: Problem, serverName: (Int) -> String) -> TailLine {
        let message = Wording.problem(p, serverName: serverName)
        return TailLine(
            kind: "error",
            fields: [("source", .string(p.source.rawValue)), ("message", .string(message)), ("at", .string(Timestamp.format(p.at)))],
            text: "\(p.source.rawValue): \(message)")
    }

    /// `{"kind":"health","status":"degraded","checks":{"falco":"disconnected"},"since":…}`: the server's own sight.
    static func health(_ readiness: Readiness, now: Double) -> TailLine {
        func object(_ checks: [ReadinessCheck]) -> JSONValue {
            .object(JSONObject(checks.map { (key: $0.name, value: JSONValue.string($0.value)) }))
        }
        switch readiness {
        case .notAsked, .unknown:
            return TailLine(kind: "health", fields: [("status", "unknown"), ("at", .string(Timestamp.format(now)))], text: "readiness unknown (the server reports none)")
        case .ready(let checks):
            return TailLine(kind: "health", fields: [("status", "ok"), ("checks", object(checks)), ("at", .string(Timestamp.format(now)))], text: "ok \(ReadinessCheck.words(checks))")
        case .degraded(let checks, let since):
            return TailLine(
                kind: "health", fields: [("status", "degraded"), ("checks", object(checks)), ("since", .string(Timestamp.format(since)))],
                text: "SERVER BLIND since \(Timestamp.format(since)): \(ReadinessCheck.words(checks)) (runtime events cannot arrive)")
        }
    }

    static func gap(_ gap: Gap) -> TailLine {
        TailLine(
            kind: "gap",
            fields: [("start", .string(Timestamp.format(gap.start))), ("end", .string(Timestamp.format(gap.end))), ("backfilled", .number(Double(gap.backfilled)))],
            text: "\(Timestamp.format(gap.start))–\(Timestamp.format(gap.end)) · \(gap.backfilled) backfilled")
    }

    static func connection(_ c: ConnectionState, now: Double, polling: Bool, unverifiedTLS: Bool = false) -> TailLine {
        var fields: [(String, JSONValue)] = [
            ("phase", .string(LinkWords.name(c.phase))), ("url", .string(c.url)), ("generation", .number(Double(c.generation))),
            ("attempt", .number(Double(c.attempt))), ("at", .string(Timestamp.format(now))),
        ]
        var text = "\(LinkWords.name(c.phase)) \(c.url)"
        if unverifiedTLS {
            fields.append(("tls", "not verified"))
            text += " (TLS NOT VERIFIED)"
        }
        if polling {
            fields.append(("polling", true))
            text += " (polling REST — WebSocket unavailable)"
        }
        switch c.phase {
        case .backingOff(let until):
            let delay = max(0, until - now)
            fields.append(("delay", .number((delay * 1000).rounded() / 1000)))
            text += " retry in \(String(format1: delay)) s (attempt \(c.attempt))"
        case .stopped(let reason):
            let words = Wording.stopReason(reason, retryKey: false)
            fields.append(("reason", .string(words)))
            text += ": \(words)"
        case .open:
            if c.attempt > 0 { text += " after \(c.attempt) failed attempts" }
        default:
            break
        }
        if let reason = c.lastCloseReason, c.phase != .open, !fields.contains(where: { $0.0 == "reason" }) {
            fields.append(("reason", .string(reason)))
            text += " · \(reason)"
        }
        return TailLine(kind: "connection", fields: fields, text: text)
    }

    static func item(_ item: Incoming, at: Double) -> TailLine {
        let received: (String, JSONValue) = ("received_at", .string(Timestamp.format(at)))
        switch item {
        case .drift(let d):
            return TailLine(
                kind: "event", fields: [],
                text: "drift \(d.severity.label) \(d.resourceType).\(d.resourceName.isEmpty ? d.resourceID : d.resourceName) \(d.attribute) \(d.oldValue) -> \(d.newValue) \(d.user)",
                record: item)
        case .event(let e):
            return TailLine(kind: "event", fields: [], text: "\(e.topic.wireName) \(e.severity.label) \(e.title) \(e.resource) \(e.detail)", record: item)
        case .stateChange(let s):
            return TailLine(kind: "event", fields: [], text: "state_change \(s.action) \(s.resource) \(s.detail)", record: item)
        case .stats(let s):
            var fields: [(String, JSONValue)] = [("type", "stats")]
            if let d = s.driftTotal { fields.append(("drift_total", .number(Double(d)))) }
            if let u = s.unmanagedTotal { fields.append(("unmanaged_total", .number(Double(u)))) }
            return TailLine(kind: "control", fields: fields + [received], text: "stats drifts=\(s.driftTotal.map(String.init) ?? "?")")
        case .control(let reply):
            switch reply {
            case .welcome(let dialect, let version, let clientID):
                return TailLine(
                    kind: "control",
                    fields: [("type", "welcome"), ("dialect", .string(dialect.rawValue)), ("version", .string(version)), ("client_id", .string(clientID)), received],
                    text: "welcome \(dialect.rawValue) \(version)")
            case .subscribed(let topic):
                return TailLine(kind: "control", fields: [("type", "subscribed"), ("topic", .string(topic)), received], text: "subscribed \(topic)")
            case .unsubscribed(let topic):
                return TailLine(kind: "control", fields: [("type", "unsubscribed"), ("topic", .string(topic)), received], text: "unsubscribed \(topic)")
            case .filterSet(let provider):
                return TailLine(kind: "control", fields: [("type", "filter_set"), ("provider", .string(provider)), received], text: "filter_set \(provider)")
            case .pong:
                return TailLine(kind: "control", fields: [("type", "pong"), received], text: "pong")
            case .error(let message):
                return TailLine(kind: "error", fields: [("source", "server"), ("message", .string(message)), received], text: "server: \(message)")
            }
        case .unknown(let type):
            return TailLine(kind: "control", fields: [("type", .string(type)), ("known", false), received], text: "unknown message type \(type)")
        case .malformed(let description):
            return TailLine(kind: "error", fields: [("source", "decode"), ("message", .string(description)), received], text: "malformed: \(description)")
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    init(format1 value: Double) {
        let tenths = Checked.clamped((value * 10).rounded(), to: 0...Int(Int32.max))
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
