/// Counts the values of a field a server controls (an unknown severity, an unknown topic) in bounded space,
/// so that a flood of distinct values costs neither memory nor redraw time.
///
/// It keeps at most `capacity` values, chosen by the space-saving algorithm: a newcomer takes the place of
/// the least counted value, so frequent values stay while one-off junk keeps replacing itself. Shown counts
/// are exact since a value entered the table; everything else is in `other`, and the two add up to `total`.
public struct BoundedTally: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        /// Count used for ranking: the inherited count of the value it replaced plus its own.
        var estimate: Int
        /// Counted while in the table.
        var exact: Int
    }

    public let capacity: Int
    private var entries: [String: Entry] = [:]
    public private(set) var total = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "a tally needs room for one value")
        self.capacity = capacity
    }

    public mutating func add(_ key: String) {
        total += 1
        if entries[key] != nil {
            entries[key]!.estimate += 1
            entries[key]!.exact += 1
            return
        }
        var inherited = 0
        if entries.count >= capacity, let least = entries.min(by: { $0.value.estimate < $1.value.estimate }) {
            entries[least.key] = nil
            inherited = least.value.estimate
        }
        entries[key] = Entry(estimate: inherited + 1, exact: 1)
    }

    /// Counted values, most frequent first, ties by name so the display is stable.
    public var ranked: [(key: String, count: Int)] {
        entries.sorted { $0.value.estimate != $1.value.estimate ? $0.value.estimate > $1.value.estimate : $0.key < $1.key }
            .map { (key: $0.key, count: $0.value.exact) }
    }

    public func count(of key: String) -> Int { entries[key]?.exact ?? 0 }

    /// What is not shown under a value of its own.
    public var other: Int { total - entries.values.reduce(0) { $0 + $1.exact } }

    public var distinctKept: Int { entries.count }
}
