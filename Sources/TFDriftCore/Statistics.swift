import TFDriftWire

/// Counts derived from what the client received. Bounded whatever the data: distinct resource types
/// beyond `maximumResourceTypes` are folded into one bucket so hostile input cannot grow the table.
public struct Statistics: Sendable, Equatable {
    public static let maximumResourceTypes = 512
    public static let otherResourceTypes = "(other types)"
    public static let windowSeconds = 60

    public private(set) var total = 0
    public private(set) var severityCounts: [Severity: Int] = [:]
    /// Keyed by the short kind label (`drift`, `unmanaged`, `policy`, `falco`, `state`, …).
    public private(set) var kindCounts: [String: Int] = [:]
    public private(set) var resourceTypeCounts: [String: Int] = [:]
    /// Events per second for the last `windowSeconds` seconds, indexed by `second % windowSeconds`.
    public private(set) var perSecond: [Int] = Array(repeating: 0, count: Statistics.windowSeconds)
    private var perSecondStamp: [Int] = Array(repeating: Int.min, count: Statistics.windowSeconds)
    public var server: ServerStats?

    public init() {}

    public mutating func record(kind: String, severity: Severity?, resourceType: String, at time: Double) {
        total += 1
        kindCounts[kind, default: 0] += 1
        if let severity { severityCounts[severity, default: 0] += 1 }
        if !resourceType.isEmpty {
            if resourceTypeCounts[resourceType] != nil || resourceTypeCounts.count < Statistics.maximumResourceTypes {
                resourceTypeCounts[resourceType, default: 0] += 1
            } else {
                resourceTypeCounts[Statistics.otherResourceTypes, default: 0] += 1
            }
        }
        let second = Int(time.rounded(.down))
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
        let current = Int(now.rounded(.down))
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
