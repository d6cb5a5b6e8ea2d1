/// What one frame cost the terminal link: bytes written and how long writing them took (a write that waits means
/// the link is not draining as fast as frames come).
public struct FrameOutput: Sendable, Equatable {
    public var bytes: Int
    public var seconds: Double
    /// The screen's cells, for the budget a screen of that size gets.
    public var cells: Int
    /// Whether the whole frame went out (a data frame may go in pieces, see `LinkPacer.pieceBytes`).
    public var complete: Bool

    public init(bytes: Int, seconds: Double, cells: Int, complete: Bool = true) {
        self.bytes = bytes
        self.seconds = seconds
        self.cells = cells
        self.complete = complete
    }
}

/// Paces frames drawn for arriving data to what the terminal link carries, so an ssh session over a thin link
/// stays responsive: keys are never paced (their frame goes out at once), data frames are.
///
/// - A screen gets a budget of bytes a second in proportion to its size (5.6 KB/s at 120x40): rows that move
///   50 times a second cannot be read anyway, and a link carries what it must. Every frame's bytes count, a key's
///   too; a data frame waits until what was written has been paid for, so a key's frame is followed by a pause
///   in data frames rather than by more bytes queued behind it.
/// - While data keeps coming, a data frame goes out in pieces of whole rows of at most a third of a second of the
///   budget (about 2 KB at 120x40), each paid for before the next: over a 64 kbit/s link a key's frame then waits
///   behind at most one piece, not behind a whole frame. A frame that fits, or the first after a quiet second,
///   goes whole.
/// - When writing a frame had to wait, the link is full: its rate is measured from that frame, data frames pause
///   until what is queued has drained, and the budget drops below the measured rate so the queue stays short and
///   the next key's frame is not queued behind data. Without another wait for a while the budget grows back.
public final class LinkPacer {
    /// Bytes a second per screen cell when the link has shown no limit: 5.6 KB/s at 120x40, two or three data
    /// frames a second under load, and two thirds of a 64 kbit/s link, so a key's frame finds it nearly empty.
    static let bytesPerCellSecond = 1.2
    /// A write that waits at least this long means the terminal's buffer was full.
    static let blockedAfter = 0.015
    /// What a terminal's buffer holds before writes wait (a Linux pty takes about 16 KB).
    static let assumedBuffer = 16_384.0
    /// Share of a measured rate the budget takes, leaving room for keys.
    static let shareOfRate = 0.6
    /// Without waits for this long, the budget grows back by a quarter.
    static let recoveryPeriod = 20.0

    /// Bytes a second, once the link has shown its limit (nil: the screen's own budget).
    private(set) var measuredBudget: Double?
    private(set) var measuredRate: Double?
    private var cells = 0
    /// Bytes written beyond the budget, as of `settledAt`: data frames wait until it is paid.
    private var debt = 0.0
    private var settledAt = -Double.infinity
    private var holdUntil = -Double.infinity
    private var lastWait = -Double.infinity
    private var lastGrowth = -Double.infinity
    private var lastDataFrame = -Double.infinity

    public init() {}

    /// The budget a screen gets before the link has said anything.
    var ceiling: Double { max(2_048, Double(cells) * LinkPacer.bytesPerCellSecond) }
    var budget: Double { measuredBudget ?? ceiling }

    /// Notes what a frame cost, a key's frame or a data frame alike.
    public func record(_ output: FrameOutput, at now: Double, input: Bool) {
        cells = output.cells
        settle(at: now)
        debt += Double(output.bytes)
        if !input { lastDataFrame = now }
        if output.seconds >= LinkPacer.blockedAfter, output.bytes >= 256 {
            // The buffer was full while this frame was written: what it took is what the link drained.
            let rate = Double(output.bytes) / output.seconds
            let smoothed = measuredRate.map { min($0 * 0.5 + rate * 0.5, rate * 2) } ?? rate
            measuredRate = smoothed
            measuredBudget = min(ceiling, smoothed * LinkPacer.shareOfRate)
            holdUntil = now + min(5, LinkPacer.assumedBuffer / max(1, smoothed))
            lastWait = now
            lastGrowth = now
        } else if let current = measuredBudget, now - lastWait >= LinkPacer.recoveryPeriod, now - lastGrowth >= LinkPacer.recoveryPeriod {
            lastGrowth = now
            let grown = current * 1.25
            measuredBudget = grown >= ceiling ? nil : grown
            if measuredBudget == nil { measuredRate = nil }
        }
    }

    /// What is still owed at `now`: the debt, paid at the budget's rate since it was last settled.
    private func owed(at now: Double) -> Double {
        settledAt.isFinite ? max(0, debt - (now - settledAt) * budget) : 0
    }

    private func settle(at now: Double) {
        debt = owed(at: now)
        settledAt = now
    }

    /// The most a data frame may write at once; the rest follows as the budget allows.
    public var pieceBytes: Int { max(1_024, Int(budget / 3)) }

    /// What a data frame drawn at `now` may write at once: everything after a quiet second with nothing owed (a
    /// history load, one change on a calm screen), in pieces while data keeps coming.
    public func pieceLimit(at now: Double) -> Int? {
        owed(at: now) == 0 && now - lastDataFrame >= 1 ? nil : pieceBytes
    }

    /// The earliest time after a frame drawn at `last` that the next data frame may be drawn: once what was
    /// written is paid for, and not while a full link drains.
    public func nextDataFrame(after last: Double) -> Double {
        guard settledAt.isFinite else { return last }
        return max(last, settledAt + debt / budget, holdUntil)
    }
}
