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

    public private(set) var total = 0
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
    public var server: ServerStats?

    public init() {}

    /// `knownKind` is false for a label taken from a topic name the server chose.
    public mutating func record(kind: String, knownKind: Bool = true, severity: Severity?, resourceType: String, at time: Double) {
        total += 1
        if knownKind { kindCounts[kind, default: 0] += 1 } else { otherKinds.add(kind) }
        switch severity {
        case .other(let label)?: otherSeverities.add(label)
        case let known?: severityCounts[known, default: 0] += 1
        case nil: break
        }
        if !resourceType.isEmpty {
            if resourceTypeCounts[resourceType] != nil || resourceTypeCounts.count < Statistics.maximumResourceTypes {
                resourceTypeCounts[resourceType, default: 0] += 1
            } else {
                resourceTypeCounts[Statistics.otherResourceTypes, default: 0] += 1
            }
        }
        let second = Checked.clamped(time.rounded(.down), to: Int(Int32.min)...Int(Int32.max) * 1000)
        let slot = ((second % Statistics.windowSeconds) + Statistics.windowSeconds) % Statistics.windowSeconds
        if perSecondStamp[slot] != second {
            perSecondStamp[slot] = second
            perSecond[slot] = 0
        }
        perSecond[slot] += 1
    }

    /// Events received in the 60 s up to `now`.
    public func lastMinute(now: Double) -> Int {
        recentSeconds(now: now, count: Statistics.windowSeconds).reduce(0, +)
    }

    /// Per-second counts, oldest first, for the `count` seconds ending at `now` (at most 60).
    public func recentSeconds(now: Double, count: Int) -> [Int] {
        let current = Checked.clamped(now.rounded(.down), to: Int(Int32.min)...Int(Int32.max) * 1000)
        let n = min(count, Statistics.windowSeconds)
        return (0..<n).map { i in
            let second = current - (n - 1 - i)
            let slot = ((second % Statistics.windowSeconds) + Statistics.windowSeconds) % Statistics.windowSeconds
            return perSecondStamp[slot] == second ? perSecond[slot] : 0
        }
    }

    /// The most frequent resource types, highest first, ties by name so the display is stable.
    public func topResourceTypes(_ limit: Int) -> [(type: String, count: Int)] {
        resourceTypeCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(limit).map { (type: $0.key, count: $0.value) }
    }
}
