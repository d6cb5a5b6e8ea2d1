/// A 128-bit digest of what a drift says (resource type and id, attribute, old and new value, who). Fixed size
/// whatever the fields hold. Two detections of the same change by the same person have the same digest: the
/// real server's drifts carry no id, `old_value` comes from the Terraform state (unchanged until the next
/// apply), and the inner timestamp is usually empty. So a digest never says "already shown" by itself; the
/// reconciler below uses it only together with a position in the server's list.
public struct DriftDigest: Hashable, Sendable {
    public let high: UInt64
    public let low: UInt64

    public init(_ d: DriftRecord) {
        // Two SipHash states told apart by a first byte: two independent 64-bit halves. The key is per process,
        // which is all an in-memory comparison needs, and keeps a server from crafting collisions.
        var a = Hasher()
        var b = Hasher()
        a.combine(0 as UInt8)
        b.combine(1 as UInt8)
        for field in [d.resourceType, d.resourceID, d.attribute, d.oldValue, d.newValue, d.user] {
            a.combine(field)
            b.combine(field)
        }
        high = UInt64(bitPattern: Int64(a.finalize()))
        low = UInt64(bitPattern: Int64(b.finalize()))
    }
}

/// Tells one detection that reached the client twice (live over the WebSocket, and as an entry of
/// `/api/v1/drifts` read for history, a backfill or polling) from the same change made again.
///
/// Every detection is one entry of the server's list and, while the client is connected and keeping up, one live
/// message. Positions decide, not content alone:
/// - A live drift is placed nowhere yet: it waits in `unplaced`, oldest first. When a list read meets entries past
///   the cursor, they come in the order the server appended them, which is the order the live ones came in: an
///   entry whose digest is that of a drift still unplaced is the oldest such live drift (merged); anything else is
///   a detection the client missed (shown).
/// - Live drifts no entry meets lie before the cursor (they came while a read was on its way) or were lost with a
///   restart; a read that reaches the list's end settles those that came before it was asked. They never hide an
///   entry of another content, and a restart drops none of them itself: when it happened is not known (the list
///   says only that it did), and a later socket's drifts may be entries of the new list.
/// - A live drift that arrives after the read that listed it (its frame was still on the way: a message of the real
///   server holds up to 256 of them, and one is decoded before it is handed on) looks like an entry the last read
///   showed, within `overlapSeconds`; so does the same change made again
///   right after the read. Content cannot tell them apart, position can: such a drift is held (`doubtful`) while
///   the list past the cursor is read. Found there, it is new and shown; not found, its entry lay before the
///   cursor and was shown already (merged).
/// Everything merged is counted by the caller; nothing is ever dropped on content alone.
public struct DriftReconciler: Sendable, Equatable {
    /// History entries this far before the live ones unplaced may still have come live.
    public static let lookahead = 16
    public static let overlapSeconds = 10.0
    /// Entries of the last read a late frame may still duplicate: more than a few messages of the real server.
    public static let lateEntries = 4_096

    struct Unplaced: Sendable, Equatable {
        var key: DriftDigest
        /// Counts live drifts, for `settle(before:)`.
        var arrival: Int
        /// Met by an entry: kept in place until the queue's head passes it.
        var placed = false
    }

    public let capacity: Int
    /// Live drifts not yet met in a list read, oldest first from `head`.
    private var unplaced: [Unplaced] = []
    private var head = 0
    /// Where each digest waits in `unplaced`, oldest first; built when a read needs it, dropped when the queue
    /// moves, so a live drift costs an append and a read costs one pass over the queue, not one per entry.
    private var waiting: [DriftDigest: [Int]]?
    /// Live drifts forgotten unplaced because more arrived between two list reads than the window holds.
    public private(set) var forgotten = 0
    /// Live drifts tracked so far: a mark for `settle(before:)`.
    public private(set) var arrivals = 0
    /// The newest entries the last list read showed (a count per digest), each matchable once by a late live drift
    /// until `lateUntil`.
    private var late: [DriftDigest: Int] = [:]
    private var lateCount = 0
    private var lateUntil = -Double.infinity

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Large enough for the live drifts between two list reads, bounded by what the user chose.
    public static func capacity(forHistory history: Int) -> Int { max(4_096, min(history, 1 << 24) * 2) }

    /// Live drifts waiting (and some already placed behind the oldest waiting one): an upper bound.
    public var unplacedCount: Int { unplaced.count - head }

    /// The index is a cache of `unplaced`: two reconcilers are equal when their queues are.
    public static func == (a: DriftReconciler, b: DriftReconciler) -> Bool {
        a.capacity == b.capacity && a.unplaced[a.head...] == b.unplaced[b.head...] && a.forgotten == b.forgotten
            && a.arrivals == b.arrivals && a.late == b.late && a.lateCount == b.lateCount && a.lateUntil == b.lateUntil
    }

    public enum LiveVerdict: Sendable, Equatable {
        /// Not in the last read: shown, and waiting to be placed.
        case new
        /// Like an entry the last read showed: the list past the cursor decides.
        case doubtful
    }

    /// A live drift. `tracking` is false without REST (no list to place it in: always new).
    public mutating func live(_ key: DriftDigest, at: Double, tracking: Bool) -> LiveVerdict {
        guard tracking else { return .new }
        if at <= lateUntil, let count = late[key] {
            late[key] = count > 1 ? count - 1 : nil
            return .doubtful
        }
        if unplacedCount >= capacity {
            head += 1
            forgotten += 1
            skipPlaced()
        }
        unplaced.append(Unplaced(key: key, arrival: arrivals))
        arrivals += 1
        waiting?[key, default: []].append(unplaced.count - 1)
        if head > 4_096, head * 2 > unplaced.count {
            unplaced.removeFirst(head)
            head = 0
            waiting = nil
        }
        return .new
    }

    /// A list entry past the cursor: true to show it; false when it is a live drift already shown.
    /// `mayBeLive` is false for entries that cannot have come live (older than anything unplaced can be).
    public mutating func listed(_ key: DriftDigest, mayBeLive: Bool = true) -> Bool {
        guard mayBeLive else { return true }
        if waiting == nil {
            var index: [DriftDigest: [Int]] = [:]
            for i in head..<unplaced.count where !unplaced[i].placed { index[unplaced[i].key, default: []].append(i) }
            waiting = index
        }
        guard var positions = waiting?[key], !positions.isEmpty else { return true }
        let position = positions.removeFirst()
        waiting?[key] = positions.isEmpty ? nil : positions
        unplaced[position].placed = true
        skipPlaced()
        return false
    }

    private mutating func skipPlaced() {
        while head < unplaced.count, unplaced[head].placed { head += 1 }
    }

    /// A read ended; `shown` are the entries it showed, oldest first: the newest of them may still come live.
    public mutating func readEnded(shown: [DriftDigest], at: Double) {
        // The pages of one read (and reads close together) add up: a late frame can belong to any of them.
        if at > lateUntil || lateCount + shown.count > DriftReconciler.lateEntries {
            late = [:]
            lateCount = 0
        }
        for key in shown.suffix(DriftReconciler.lateEntries) { late[key, default: 0] += 1 }
        lateCount += min(shown.count, DriftReconciler.lateEntries)
        lateUntil = at + DriftReconciler.overlapSeconds
    }

    /// A read that reaches the list's end (the first one, with its history, included) met every live drift that
    /// came before it was asked and lies past the cursor: those that came before `mark` and are still waiting
    /// lie before the cursor, where no later read looks.
    public mutating func settle(before mark: Int) {
        // Arrivals grow along the queue: those before the mark are its front.
        unplaced = unplaced[head...].filter { $0.arrival >= mark && !$0.placed }
        head = 0
        waiting = nil
    }

    /// The server lost its list (a restart): the entries the last reads showed are gone, and no late frame of
    /// them can come on a socket opened since.
    public mutating func listLost() {
        late = [:]
        lateCount = 0
    }
}
