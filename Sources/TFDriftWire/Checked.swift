/// Numbers from outside (JSON, headers) arrive as `Double` or text, and `Int(someDouble)` traps on NaN,
/// infinities and anything beyond `Int`'s range. Every conversion of outside data goes through here.
public enum Checked {
    /// 2^53: beyond it a `Double` no longer counts exactly, so no server total or page is that large.
    public static let largestExactInteger = 9_007_199_254_740_992.0

    /// A whole, finite number within ±2^53; nil for fractions, NaN, infinities and huge values.
    public static func integer(_ value: Double) -> Int? {
        guard value.isFinite, value.rounded(.towardZero) == value, abs(value) <= largestExactInteger else { return nil }
        return Int(value)
    }

    /// A whole number ≥ 0 (totals, counts, pages, sizes); nil otherwise.
    public static func count(_ value: Double) -> Int? {
        guard let n = integer(value), n >= 0 else { return nil }
        return n
    }

    /// Any value forced into `range`, for display and timers: NaN gives the lower bound. Never traps.
    public static func clamped(_ value: Double, to range: ClosedRange<Int>) -> Int {
        guard !value.isNaN, value > Double(range.lowerBound) else { return range.lowerBound }
        guard value < Double(range.upperBound) else { return range.upperBound }
        return Int(value)
    }

    /// A finite value forced into `range` (NaN gives the lower bound).
    public static func clamped(_ value: Double, to range: ClosedRange<Double>) -> Double {
        guard !value.isNaN else { return range.lowerBound }
        return min(max(value, range.lowerBound), range.upperBound)
    }
}
