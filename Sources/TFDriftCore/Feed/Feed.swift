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
}

/// A list pane's history, whatever its record: what visibility, the titles, export and copying read, answered
/// per sequence number (so no record is boxed to answer).
public protocol ListHistory {
    var count: Int { get }
    var nextSeq: Int { get }
    var evicted: Int { get }
    var oldestSeq: Int? { get }
    var newestSeq: Int? { get }
    func filterFields(at seq: Int) -> FilterFields?
    func server(at seq: Int) -> Int?
    /// The record as one JSON object: its fields, and the message as the server sent it (parsed when whole).
    func json(at seq: Int, withMessage: Bool) -> JSONValue?
    func lookupTarget(at seq: Int) -> (shown: String, id: String?, server: Int)?
}

extension History: ListHistory where Element: ListedRecord {
    public func filterFields(at seq: Int) -> FilterFields? { self[seq]?.filterFields }
    public func server(at seq: Int) -> Int? { self[seq]?.server }

    public func json(at seq: Int, withMessage: Bool) -> JSONValue? {
        guard let record = self[seq] else { return nil }
        var pairs = record.jsonFields.map { (key: $0.0, value: $0.1) }
        if withMessage, !record.raw.isEmpty {
            pairs.append((key: "message", value: (try? JSONParser.parse(record.raw)) ?? .string(record.raw)))
        }
        return .object(JSONObject(pairs))
    }

    public func lookupTarget(at seq: Int) -> (shown: String, id: String?, server: Int)? {
        guard let record = self[seq], let target = record.lookupTarget else { return nil }
        return (target.shown, target.id, record.server)
    }
}

/// Visits every list pane's history with its own record type (no record boxed): how `tail` prints each.
public protocol ListVisitor {
    mutating func visit<Record: ListedRecord>(_ pane: Pane, _ history: History<Record>)
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

    /// The history a list pane shows (nil for Stats): the one place a pane meets its records.
    public func list(_ pane: Pane) -> (any ListHistory)? {
        switch pane {
        case .drifts: drifts
        case .events: events
        case .state: stateChanges
        case .stats: nil
        }
    }

    /// The oldest and newest sequence numbers a list pane holds. Asked for every row drawn, so answered without
    /// `list(_:)`'s existential (whose conditional conformance is looked up at run time on every call).
    func seqRange(of pane: Pane) -> (oldest: Int, newest: Int)? {
        func range<Record>(_ history: History<Record>) -> (oldest: Int, newest: Int)? {
            guard let oldest = history.oldestSeq, let newest = history.newestSeq else { return nil }
            return (oldest, newest)
        }
        switch pane {
        case .drifts: return range(drifts)
        case .events: return range(events)
        case .state: return range(stateChanges)
        case .stats: return nil
        }
    }

    /// What the filter matches of an item, and who sent it: decided once per item as it arrives, for 10,000 items
    /// when a filter is set, so also without the existential.
    func filterFields(of pane: Pane, at seq: Int) -> FilterFields? {
        switch pane {
        case .drifts: drifts[seq]?.filterFields
        case .events: events[seq]?.filterFields
        case .state: stateChanges[seq]?.filterFields
        case .stats: nil
        }
    }

    func server(of pane: Pane, at seq: Int) -> Int? {
        switch pane {
        case .drifts: drifts[seq]?.server
        case .events: events[seq]?.server
        case .state: stateChanges[seq]?.server
        case .stats: nil
        }
    }

    /// Each list pane's history, in focus order.
    public func visitLists(_ visitor: inout some ListVisitor) {
        visitor.visit(.drifts, drifts)
        visitor.visit(.events, events)
        visitor.visit(.state, stateChanges)
    }
}

extension State {
    /// Entries in the pane's history, for the status bar and pane titles.
    public func count(of pane: Pane) -> Int { feed.list(pane)?.count ?? 0 }

    func history(seqRangeOf pane: Pane) -> (oldest: Int, newest: Int)? { feed.seqRange(of: pane) }
}
