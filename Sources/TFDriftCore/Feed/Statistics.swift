import TFDriftWire

/// Counts derived from what the client received. Bounded whatever the data: distinct resource types
/// beyond `maximumResourceTypes` are folded into one bucket, and severities and kinds the client does not
/// know are kept in small tallies, so hostile input can grow neither the tables nor the cost of a redraw.
public struct Statistics: Sendable, Equatable {
    public static let maximumResourceTypes = 512
    public static let otherResourceTypes = "(other types)"
    /// Unknown severities (and unknown kinds) shown by name; the rest are counted as "other".
    public static let maximumUnknownValues = 8
    public static let windowSeconds = 60
    /// Minutes of per-minute counts kept for the stats pane's sparkline.
    public static let windowMinutes = 30
    public static let maximumUsers = 512
    public static let otherUsers = "(other users)"

    /// Items received (live, or backfilled after a gap); history loaded at start is counted in `history`.
    public private(set) var total = 0
    public private(set) var history = 0
    /// The known severities (`Severity.known`); other strings a policy or server sends are in `otherSeverities`.
    public private(set) var severityCounts: [Severity: Int] = [:]
    public private(set) var otherSeverities = BoundedTally(capacity: Statistics.maximumUnknownValues)
    /// Keyed by the short kind label (`drift`, `unmanaged`, `policy`, `falco`, `state`); unknown topics'
    /// labels are in `otherKinds`.
    public private(set) var kindCounts: [String: Int] = [:]
    public private(set) var otherKinds = BoundedTally(capacity: Statistics.maximumUnknownValues)
    public private(set) var resourceTypeCounts: [String: Int] = [:]
    /// Events per second for the last `windowSeconds` seconds, indexed by `second % windowSeconds`.
    public private(set) var perSecond: [Int] = Array(repeating: 0, count: Statistics.windowSeconds)
    private var perSecondStamp: [Int] = Array(repeating: Int.min, count: Statistics.windowSeconds)
    /// Events per minute for the last `windowMinutes` minutes, the same ring by minute.
    public private(set) var perMinute: [Int] = Array(repeating: 0, count: Statistics.windowMinutes)
    private var perMinuteStamp: [Int] = Array(repeating: Int.min, count: Statistics.windowMinutes)
    /// Who made the changes, bounded like the resource types.
    public private(set) var userCounts: [String: Int] = [:]

    public init() {}

    /// `knownKind` is false for a label taken from a topic name the server chose.
    /// `traffic` is false for history loaded at start: it is in the distributions, not in `total` or the rates.
    public mutating func record(
        kind: String, knownKind: Bool = true, severity: Severity?, resourceType: String, user: String = "", at time: Double, traffic: Bool = true
    ) {
        if traffic { total += 1 } else { history += 1 }
        if knownKind { kindCounts[kind, default: 0] += 1 } else { otherKinds.add(kind) }
        switch severity {
        case .other(let label)?: otherSeverities.add(label)
        case let known?: severityCounts[known, default: 0] += 1
        case nil: break
        }
        Statistics.bump(&resourceTypeCounts, resourceType, limit: Statistics.maximumResourceTypes, other: Statistics.otherResourceTypes)
        Statistics.bump(&userCounts, user, limit: Statistics.maximumUsers, other: Statistics.otherUsers)
        guard traffic else { return }
        let second = Checked.clamped(time.rounded(.down), to: Int(Int32.min)...Int(Int32.max) * 1000)
        Statistics.count(second, in: &perSecond, stamps: &perSecondStamp)
        Statistics.count(Statistics.minute(of: second), in: &perMinute, stamps: &perMinuteStamp)
    }

    static func minute(of second: Int) -> Int { second >= 0 ? second / 60 : (second - 59) / 60 }

    /// Adds one to the ring slot of `stamp` (a second or a minute), clearing the slot if it held an older one.
    static func count(_ stamp: Int, in ring: inout [Int], stamps: inout [Int]) {
        let slot = ((stamp % ring.count) + ring.count) % ring.count
        if stamps[slot] != stamp {
            stamps[slot] = stamp
            ring[slot] = 0
        }
        ring[slot] += 1
    }

    /// The ring's counts, oldest first, for the `count` stamps ending at `current`.
    static func recent(_ ring: [Int], _ stamps: [Int], current: Int, count: Int) -> [Int] {
        let n = min(count, ring.count)
        return (0..<n).map { i in
            let stamp = current - (n - 1 - i)
            let slot = ((stamp % ring.count) + ring.count) % ring.count
            return stamps[slot] == stamp ? ring[slot] : 0
        }
    }

    /// One hash lookup for a key already counted (the common case on a busy feed).
    static func bump(_ table: inout [String: Int], _ key: String, limit: Int, other: String) {
        guard !key.isEmpty else { return }
        if let index = table.index(forKey: key) {
            table.values[index] += 1
        } else if table.count < limit {
            table[key] = 1
        } else {
            table[other, default: 0] += 1
        }
    }

    /// Events received in the 60 s up to `now`.
    public func lastMinute(now: Double) -> Int {
        recentSeconds(now: now, count: Statistics.windowSeconds).reduce(0, +)
    }

    /// Per-second counts, oldest first, for the `count` seconds ending at `now` (at most 60).
    public func recentSeconds(now: Double, count: Int) -> [Int] {
        let current = Checked.clamped(now.rounded(.down), to: Int(Int32.min)...Int(Int32.max) * 1000)
        return Statistics.recent(perSecond, perSecondStamp, current: current, count: count)
    }

    /// Per-minute counts, oldest first, for the `count` minutes ending with the current one (at most 30).
    public func recentMinutes(now: Double, count: Int) -> [Int] {
        let current = Checked.clamped(now.rounded(.down), to: Int(Int32.min)...Int(Int32.max) * 1000)
        return Statistics.recent(perMinute, perMinuteStamp, current: Statistics.minute(of: current), count: count)
    }

    /// The most frequent resource types, highest first, ties by name so the display is stable.
    public func topResourceTypes(_ limit: Int) -> [(type: String, count: Int)] {
        Statistics.top(resourceTypeCounts, limit).map { (type: $0.key, count: $0.count) }
    }

    public func topUsers(_ limit: Int) -> [(key: String, count: Int)] { Statistics.top(userCounts, limit) }

    static func top(_ table: [String: Int], _ limit: Int) -> [(key: String, count: Int)] {
        table.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit).map { (key: $0.key, count: $0.value) }
    }
}
