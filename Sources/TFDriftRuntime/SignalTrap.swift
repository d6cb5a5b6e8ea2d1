#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

nonisolated(unsafe) private var trapWriteFD: Int32 = -1
nonisolated(unsafe) private var trappedSignal: Int32 = 0
nonisolated(unsafe) private var resizePending: Int32 = 0

/// Turns SIGINT, SIGTERM and SIGHUP into a clean quit, and SIGWINCH into a redraw, by waking the main loop.
///
/// Any thread may receive a process signal (the network threads included), so the handler only records
/// it and writes one byte to the main loop's wake-up pipe; both are async-signal-safe.
public enum SignalTrap {
    static let quitSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    public static func install(wakingFD fd: Int32) {
        trapWriteFD = fd
        // A parent may have started us with these blocked (tmux and test runners pass their mask on);
        // a dashboard that cannot see Ctrl-C or a resize is broken, so unblock them.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in quitSignals + [SIGWINCH] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for sig in quitSignals {
            signal(sig) { number in
                trappedSignal = number
                var byte: UInt8 = 2
                _ = write(trapWriteFD, &byte, 1)
            }
        }
        signal(SIGWINCH) { _ in
            resizePending = 1
            var byte: UInt8 = 3
            _ = write(trapWriteFD, &byte, 1)
        }
        signal(SIGPIPE, SIG_IGN)
    }

    /// The quit signal caught since the last call, if any.
    public static func takeQuit() -> Int32? {
        let sig = trappedSignal
        guard sig != 0 else { return nil }
        trappedSignal = 0
        return sig
    }

    /// Whether the terminal was resized since the last call.
    public static func takeResize() -> Bool {
        guard resizePending != 0 else { return false }
        resizePending = 0
        return true
    }
}
