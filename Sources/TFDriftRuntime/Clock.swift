#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TFDriftNetwork

/// Time as the main loop sees it: wall time for actions, monotonic time for timers, and the one place that
/// waits. Live runs use the system's; tests use `VirtualClock`, so schedules (backoff, watchdog, polling) run
/// without real sleeping.
public protocol RuntimeClock: AnyObject {
    /// Seconds since the Unix epoch, for the `at` of actions.
    func now() -> Double
    /// Seconds that never jump, for timers.
    func monotonic() -> Double
    /// Waits until `deadline` (monotonic) or until one of `descriptors` is readable; each one's `revents`, and
    /// whether a signal interrupted the wait.
    func wait(for descriptors: [Int32], until deadline: Double) -> (events: [Int16], interrupted: Bool)
    /// Seconds of processor time this thread has used: what a frame costs the machine. Monotonic time would also
    /// count the time another thread or process held the core, so a busy machine would look like a dear screen.
    func workTime() -> Double
}

extension RuntimeClock {
    /// Virtual clocks do nothing but work.
    public func workTime() -> Double { monotonic() }
}

public final class SystemRuntimeClock: RuntimeClock {
    public init() {}
    public func now() -> Double { SystemClock.now() }
    public func monotonic() -> Double { SystemClock.monotonic() }

    public func workTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    public func wait(for descriptors: [Int32], until deadline: Double) -> (events: [Int16], interrupted: Bool) {
        // At most a second, so a missed wake-up can never freeze the loop.
        let timeout = Int32(min(1000, max(0, ((deadline - monotonic()) * 1000).rounded(.up))))
        return Poll.wait(descriptors, timeout: timeout)
    }
}

/// A clock that only moves when the loop would sleep: a wait with nothing readable jumps to its deadline.
public final class VirtualClock: RuntimeClock {
    public private(set) var wall: Double
    public private(set) var elapsed: Double = 0

    public init(wall: Double = 1_800_000_000) {
        self.wall = wall
    }

    public func now() -> Double { wall + elapsed }
    public func monotonic() -> Double { elapsed }

    /// Lets time pass as if work took it (a frame that costs 10 ms).
    public func advance(by seconds: Double) {
        elapsed += max(0, seconds)
    }

    public func wait(for descriptors: [Int32], until deadline: Double) -> (events: [Int16], interrupted: Bool) {
        let result = Poll.wait(descriptors, timeout: 0)
        if !result.events.contains(where: { $0 != 0 }), deadline.isFinite, deadline > elapsed { elapsed = deadline }
        return result
    }
}

enum Poll {
    static func wait(_ descriptors: [Int32], timeout: Int32) -> (events: [Int16], interrupted: Bool) {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let count = poll(&fds, nfds_t(fds.count), timeout)
        let interrupted = count < 0 && errno == EINTR
        return (fds.map(\.revents), interrupted)
    }
}
