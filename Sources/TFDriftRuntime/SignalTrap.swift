#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

nonisolated(unsafe) private var trapWriteFD: Int32 = -1
nonisolated(unsafe) private var trappedSignal: Int32 = 0

/// Turns SIGINT, SIGTERM and SIGHUP into a wake-up of the main loop, which then quits cleanly and restores
/// the terminal. The handler only stores the number and writes one byte: both async-signal-safe.
public enum SignalTrap {
    public static func install(wakingFD fd: Int32, signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        trapWriteFD = fd
        for sig in signals {
            signal(sig) { number in
                trappedSignal = number
                var byte: UInt8 = 2
                _ = write(trapWriteFD, &byte, 1)
            }
        }
        signal(SIGPIPE, SIG_IGN)
    }

    /// The signal caught since the last call, if any.
    public static func take() -> Int32? {
        let sig = trappedSignal
        guard sig != 0 else { return nil }
        trappedSignal = 0
        return sig
    }
}
