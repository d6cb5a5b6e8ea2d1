/// Which items of a narrowed pane pass its filter, minimum severity and server scope: decided once per item, when
/// it arrives or when what narrows the pane changes, so drawing a filtered pane costs what an unfiltered one does
/// whatever the history holds (a frame used to lower-case every searchable field of every item).
public struct PaneMatches: Sendable, Equatable {
    /// What the answers were decided for; any change decides them all again.
    struct Key: Sendable, Equatable {
        var filter: Filter?
        var minimum: Severity?
        var scope: Int?
    }

    let key: Key
    /// The sequence number of `hits[head]`.
    private var first: Int
    private var hits: [Bool] = []
    private var head = 0
    /// How many of the items held pass.
    public private(set) var count = 0

    init(key: Key, first: Int) {
        self.key = key
        self.first = first
    }

    /// The answer for `seq`, nil for an item not decided (evicted, or not arrived).
    public subscript(seq: Int) -> Bool? {
        let index = head + seq - first
        return index >= head && index < hits.count ? hits[index] : nil
    }

    /// The first sequence number not decided yet.
    var end: Int { first + hits.count - head }

    mutating func append(_ hit: Bool) {
        hits.append(hit)
        if hit { count += 1 }
    }

    /// Forgets the answers for items the history no longer holds.
    mutating func drop(before seq: Int) {
        while first < seq, head < hits.count {
            if hits[head] { count -= 1 }
            head += 1
            first += 1
        }
        if head > 1_024, head * 2 > hits.count {
            hits.removeFirst(head)
            head = 0
        }
    }
}

/// The answers of every narrowed pane. A cache of what the histories and the narrowing settings decide, so it
/// takes no part in comparing states: two states equal in everything else answer alike.
public struct MatchCache: Sendable, Equatable {
    // One slot per pane, not a dictionary: this is read for every row drawn.
    private var answers = [PaneMatches?](repeating: nil, count: Pane.allCases.count)

    public subscript(pane: Pane) -> PaneMatches? {
        get { answers[pane.ordinal] }
        set { answers[pane.ordinal] = newValue }
    }

    /// The pane's answers, taken out (so that changing them does not copy what the cache still holds).
    mutating func take(_ pane: Pane) -> PaneMatches? {
        defer { self[pane] = nil }
        return self[pane]
    }

    public static func == (_: MatchCache, _: MatchCache) -> Bool { true }
}

extension State {
    /// Brings every narrowed pane's answers up to date: new items decided, evicted ones forgotten, all decided
    /// again when the filter, the minimum severity or the server scope changed. The root reducer calls it after
    /// every action.
    mutating func refreshMatches() {
        for pane in Pane.lists {
            guard isNarrowed(pane), let range = history(seqRangeOf: pane) else {
                if ui.matches[pane] != nil { ui.matches[pane] = nil }
                continue
            }
            let key = PaneMatches.Key(filter: ui.filter(of: pane), minimum: ui.minimumSeverity, scope: ui.serverScope)
            var matches = ui.matches.take(pane).flatMap { $0.key == key ? $0 : nil }
                ?? PaneMatches(key: key, first: range.oldest)
            matches.drop(before: range.oldest)
            if matches.end < range.oldest { matches = PaneMatches(key: key, first: range.oldest) }
            if matches.end <= range.newest {
                for seq in matches.end...range.newest { matches.append(passes(pane, seq)) }
            }
            ui.matches[pane] = matches
        }
    }

    /// Whether an item passes what narrows its pane (not whether the pane holds it).
    func passes(_ pane: Pane, _ seq: Int) -> Bool {
        if let scope = ui.serverScope, serverOf(pane, seq) != scope { return false }
        guard ui.filter(of: pane) != nil || ui.minimumSeverity != nil else { return true }
        guard let fields = filterFields(pane, seq) else { return false }
        if let minimum = ui.minimumSeverity {
            guard let severity = fields.severity, severity.rank <= minimum.rank else { return false }
        }
        return ui.filter(of: pane)?.matches(fields) ?? true
    }
}
