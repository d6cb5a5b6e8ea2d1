import TFDriftWire

/// The panes of the dashboard, in focus order.
public enum Pane: String, Sendable, CaseIterable, Hashable {
    case drifts, events, state, stats

    public var title: String {
        switch self {
        case .drifts: "Drifts"
        case .events: "Events"
        case .state: "State"
        case .stats: "Stats"
        }
    }

    /// The topic whose messages the pane shows (its key turns it on).
    public var topic: Topic {
        switch self {
        case .drifts: .drifts
        case .events: .events
        case .state: .state
        case .stats: .stats
        }
    }

    /// The panes that list items (Stats does not).
    public static let lists: [Pane] = allCases.filter { $0 != .stats }

    /// The pane's place in `allCases`, for tables kept per pane (read per row drawn: `allCases` itself is built
    /// anew on every use, so it is kept once).
    var ordinal: Int { Pane.order.firstIndex(of: self)! }
    private static let order = allCases
}

/// A record a list pane lists: what filtering, export, `tail`, copying and the blast radius ask of every one.
/// The record's own file says how (`Records.swift`); the panes, visibility and export only ask through this.
public protocol ListedRecord: FieldRecord, Sendable {
    /// The message as received (the detail's `r`, the export's `message`); empty when not kept.
    var raw: String { get }
    var receivedAt: Double { get }
    /// What the filter line's fields and free words match.
    var filterFields: FilterFields { get }
    /// The resource the blast radius asks about: as shown, and the server's own id (nil: none to ask with).
    var lookupTarget: (shown: String, id: String?)? { get }
    /// The record as the store took it in (for `tail`'s text lines).
    var incoming: Incoming { get }
}

extension ListedRecord {
    public var lookupTarget: (shown: String, id: String?)? { nil }

    /// The fields as pairs, for the export file and the clipboard.
    public var jsonFields: [(String, JSONValue)] {
        var list = JSONFieldList()
        writeFields(to: &list)
        return list.fields
    }

    /// The record as one JSON object: its fields, and the message as the server sent it (parsed when it is whole,
    /// else the cleaned text) when `withMessage`.
    public func json(withMessage: Bool) -> JSONValue {
        var pairs = jsonFields.map { (key: $0.0, value: $0.1) }
        if withMessage, !raw.isEmpty {
            pairs.append((key: "message", value: (try? JSONParser.parse(raw)) ?? .string(raw)))
        }
        return .object(JSONObject(pairs))
    }
}

/// A question put to a list pane's history with its own record type: how the rest of the program reads a pane
/// without knowing which record it lists, and without boxing a history or a record (this is asked for every row
/// drawn; an `any` history cost a filtered frame ×2, its conformance looked up at run time on every call).
public protocol ListVisitor {
    associatedtype Answer
    mutating func visit<Record: ListedRecord>(_ pane: Pane, _ history: History<Record>) -> Answer
}

/// The oldest and newest sequence numbers a history holds.
struct SeqRange: ListVisitor {
    func visit<Record: ListedRecord>(_: Pane, _ history: History<Record>) -> (oldest: Int, newest: Int)? {
        guard let oldest = history.oldestSeq, let newest = history.newestSeq else { return nil }
        return (oldest, newest)
    }
}

/// One record's answer to `question` (nil when the history no longer holds it).
struct RecordAt<Answer>: ListVisitor {
    let seq: Int
    let question: (any ListedRecord) -> Answer

    func visit<Record: ListedRecord>(_: Pane, _ history: History<Record>) -> Answer? {
        history[seq].map(question)
    }
}

/// What arrived from the server, kept bounded: a history per list pane, statistics and gaps.
public struct FeedState: Sendable, Equatable {
    public var drifts: History<DriftRecord>
    public var events: History<EventRecord>
    public var stateChanges: History<StateRecord>
    public var stats = Statistics()
    public var gaps: [Gap] = []
    /// Whether records keep the message they came from, for the detail view's `r`. `tail` prints fields only:
    /// without them its store is a third smaller.
    public var keepsRawLines = true

    public init(historyLimit: Int) {
        drifts = History(capacity: historyLimit)
        events = History(capacity: historyLimit)
        stateChanges = History(capacity: historyLimit)
    }

    /// Puts `visitor` to the history list pane `pane` shows (nil for Stats): the one place a pane meets its records.
    public func visit<Visitor: ListVisitor>(_ pane: Pane, _ visitor: inout Visitor) -> Visitor.Answer? {
        switch pane {
        case .drifts: visitor.visit(pane, drifts)
        case .events: visitor.visit(pane, events)
        case .state: visitor.visit(pane, stateChanges)
        case .stats: nil
        }
    }

    /// Puts `visitor` to every list pane's history, in focus order.
    public func visitLists(_ visitor: inout some ListVisitor) {
        for pane in Pane.lists { _ = visit(pane, &visitor) }
    }

    /// Asks the record at `seq` of `pane`'s history; nil when the pane holds no such record.
    func record<Answer>(_ pane: Pane, at seq: Int, _ question: @escaping (any ListedRecord) -> Answer) -> Answer? {
        var asking = RecordAt(seq: seq, question: question)
        return visit(pane, &asking) ?? nil
    }
}

extension State {
    func history(seqRangeOf pane: Pane) -> (oldest: Int, newest: Int)? {
        var range = SeqRange()
        return feed.visit(pane, &range) ?? nil
    }
}
