/// Exponential backoff with full jitter: attempt `n` (0-based) waits a uniformly random time in
/// `[0, min(cap, base · factorⁿ)]`, so many screens reconnecting after one outage spread out instead of
/// hitting the server in lockstep. Randomness comes in as `jitter` in `[0, 1)`; the policy stays pure.
public struct BackoffPolicy: Sendable, Equatable {
    public var base: Double
    public var factor: Double
    public var cap: Double

    public init(base: Double = 1, factor: Double = 2, cap: Double = 30) {
        self.base = base
        self.factor = factor
        self.cap = cap
    }

    /// The upper bound of the delay before retry number `attempt` (0-based).
    public func ceiling(attempt: Int) -> Double {
        var value = base
        var i = 0
        while i < attempt, value < cap {
            value *= factor
            i += 1
        }
        return min(cap, value)
    }

    public func delay(attempt: Int, jitter: Double) -> Double {
        let j = min(max(jitter, 0), 1)
        return ceiling(attempt: attempt) * j
    }
}
