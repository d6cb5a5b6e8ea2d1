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

    private var buffer: [UInt8] = []

    var inputDescriptor: Int32? { nil }
    func readInput(state: State) -> [Action] { [] }
    /// Output is flushed once per frame (30 a second) rather than per line, so floods cost one write a frame,
    /// and at 64 KiB whatever the frame rate, so a pipe reader sees lines promptly and memory stays small.
    func present(state: State) {
        flush()
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        Console.write(buffer, to: STDOUT_FILENO)
        buffer.removeAll(keepingCapacity: true)
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
    private var nextDrift = 0, nextEvent = 0, nextState = 0, nextProblem = 0, gapsPrinted = 0

    func observe(_ action: Action, previous: ConnectionState, state: State) {
        let connection = state.connection
        if connection.phase != previous.phase || connection.generation != previous.generation {
            emit(TailLine.connection(connection, now: state.now, polling: state.rest.polling, unverifiedTLS: state.settings.tlsUnverified))
            if case .stopped = connection.phase { gaveUp = true }
        }
        switch action {
        case .received(let generation, let items, let at) where generation == connection.generation:
            for item in items {
                switch item {
                case .drift, .event, .stateChange: continue  // printed from the store below
                case .malformed, .control(.error): continue  // printed from the problem log below
                default: emit(TailLine.item(item, at: at))
                }
            }
        default:
            break
        }
        // `--filter` applies through the same visibility rule as the dashboard's panes.
        nextDrift = printNew(state.feed.drifts, from: nextDrift, shown: { state.isVisible(.drifts, $0) }) { TailLine.item(.drift($0), at: $0.receivedAt) }
        nextEvent = printNew(state.feed.events, from: nextEvent, shown: { state.isVisible(.events, $0) }) { TailLine.item(.event($0), at: $0.receivedAt) }
        nextState = printNew(state.feed.stateChanges, from: nextState, shown: { state.isVisible(.state, $0) }) {
            TailLine.item(.stateChange($0), at: $0.receivedAt)
        }
        // A failed connection is already a connection line with its reason.
        nextProblem = printNew(state.diagnostics.problems, from: nextProblem, counted: false, shown: { seq in
            state.diagnostics.problems[seq]?.source != .connection
        }) { TailLine.problem($0) }
        while gapsPrinted < state.feed.gaps.count {
            emit(TailLine.gap(state.feed.gaps[gapsPrinted]))
            gapsPrinted += 1
        }
    }

    private func printNew<Element>(
        _ history: History<Element>, from start: Int, counted: Bool = true, shown: (Int) -> Bool = { _ in true },
        line: (Element) -> TailLine
    ) -> Int {
        var seq = max(start, history.oldestSeq ?? start)
        while seq < history.nextSeq {
            if counted, let count, printedEvents >= count { return history.nextSeq }
            if let element = history[seq], shown(seq) {
                emit(line(element))
                if counted { printedEvents += 1 }
            }
            seq += 1
        }
        return seq
    }

    /// NDJSON is inert by construction (the JSON writer escapes controls and bidi characters); a text line
    /// goes through the sanitiser once more, whatever its parts were, before it reaches a terminal or a pipe.
    func emit(_ line: TailLine) {
        if format == .ndjson {
            line.write(into: &buffer)
        } else {
            buffer.append(contentsOf: Sanitizer.clean(line.textLine, limit: 1 << 20).utf8)
        }
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }
}

/// One output line, in both formats.
struct TailLine {
    var kind: String
    var fields: [(String, JSONValue)]
    var text: String

    var isEvent: Bool { kind == "event" }

    /// The NDJSON object, straight into `out`.
    func write(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"kind":"#.utf8)
        JSONValue.writeString(kind, to: &out)
        for (key, value) in fields {
            out.append(UInt8(ascii: ","))
            JSONValue.writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            value.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    var textLine: String { "\(kind.padding(10)) \(text)" }

    static func problem(_ p: Problem) -> TailLine {
        TailLine(
            kind: "error",
            fields: [("source", .string(p.source.rawValue)), ("message", .string(p.message)), ("at", .string(Timestamp.format(p.at)))],
            text: "\(p.source.rawValue): \(p.message)")
    }

    static func gap(_ gap: Gap) -> TailLine {
        TailLine(
            kind: "gap",
            fields: [("start", .string(Timestamp.format(gap.start))), ("end", .string(Timestamp.format(gap.end))), ("backfilled", .number(Double(gap.backfilled)))],
            text: "\(Timestamp.format(gap.start))–\(Timestamp.format(gap.end)) · \(gap.backfilled) backfilled")
    }

    static func connection(_ c: ConnectionState, now: Double, polling: Bool, unverifiedTLS: Bool = false) -> TailLine {
        var fields: [(String, JSONValue)] = [
            ("phase", .string(c.phase.label)), ("url", .string(c.url)), ("generation", .number(Double(c.generation))),
            ("attempt", .number(Double(c.attempt))), ("at", .string(Timestamp.format(now))),
        ]
        var text = "\(c.phase.label) \(c.url)"
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
                kind: "event", fields: d.jsonFields,
                text: "drift \(d.severity.label) \(d.resourceType).\(d.resourceName.isEmpty ? d.resourceID : d.resourceName) \(d.attribute) \(d.oldValue) -> \(d.newValue) \(d.user)")
        case .event(let e):
            return TailLine(kind: "event", fields: e.jsonFields, text: "\(e.topic.wireName) \(e.severity.label) \(e.title) \(e.resource) \(e.detail)")
        case .stateChange(let s):
            return TailLine(kind: "event", fields: s.jsonFields, text: "state_change \(s.action) \(s.resource) \(s.detail)")
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
