/// A bounded, append-only history addressed by sequence number.
///
/// Each appended element gets the next sequence number; once `capacity` is reached the oldest element is
/// overwritten, so memory stays flat however long the dashboard runs. Sequence numbers let the UI keep
/// its place while new items arrive and old ones fall off.
public struct History<Element> {
    public let capacity: Int
    private var storage: [Element] = []
    /// Sequence number the next appended element will get; also the number ever appended.
    public private(set) var nextSeq = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "history capacity must be positive")
        self.capacity = capacity
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    /// How many elements fell off the end to keep the history bounded.
    public var evicted: Int { nextSeq - storage.count }
    public var oldestSeq: Int? { storage.isEmpty ? nil : nextSeq - storage.count }
    public var newestSeq: Int? { storage.isEmpty ? nil : nextSeq - 1 }

    public mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[nextSeq % capacity] = element
        }
        nextSeq += 1
    }

    public subscript(seq: Int) -> Element? {
        guard let oldest = oldestSeq, seq >= oldest, seq < nextSeq else { return nil }
        return storage.count < capacity ? storage[seq] : storage[seq % capacity]
    }

    public func contains(seq: Int) -> Bool { self[seq] != nil }

    /// Clamps a sequence number into the retained range.
    public func clamp(_ seq: Int) -> Int? {
        guard let oldest = oldestSeq, let newest = newestSeq else { return nil }
        return min(max(seq, oldest), newest)
    }

    /// Elements from newest to oldest, at most `limit`.
    public func newestFirst(limit: Int) -> [Element] {
        guard let newest = newestSeq, let oldest = oldestSeq else { return [] }
        var out: [Element] = []
        out.reserveCapacity(min(limit, count))
        var seq = newest
        while seq >= oldest, out.count < limit {
            out.append(self[seq]!)
            seq -= 1
        }
        return out
    }
}

extension History: Sendable where Element: Sendable {}

extension History: Equatable where Element: Equatable {
    public static func == (lhs: History, rhs: History) -> Bool {
        guard lhs.capacity == rhs.capacity, lhs.nextSeq == rhs.nextSeq, lhs.count == rhs.count else { return false }
        guard let oldest = lhs.oldestSeq else { return true }
        return (oldest..<lhs.nextSeq).allSatisfy { lhs[$0] == rhs[$0] }
    }
}
