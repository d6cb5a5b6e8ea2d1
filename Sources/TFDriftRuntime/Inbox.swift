#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import TFDriftCore

/// Hands actions from other threads (the network event loop, signal handlers) to the main loop.
/// A locked array plus a self-pipe: the main loop `poll(2)`s the pipe, so an idle dashboard sleeps.
public final class Inbox: Sendable {
    private let pending = NIOLockedValueBox<[Action]>([])
    public let readFD: Int32
    public let writeFD: Int32

    public init() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { fatalError("cannot create the wake-up pipe: errno \(errno)") }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    public func post(_ action: Action) {
        let wasEmpty = pending.withLockedValue { list -> Bool in
            let empty = list.isEmpty
            list.append(action)
            return empty
        }
        if wasEmpty { wake() }
    }

    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Actions waiting for the main loop; the network reader pauses when this grows (see `WebSocketClient`).
    public var backlog: Int { pending.withLockedValue { $0.count } }

    /// Everything posted since the last drain, in order.
    public func drain() -> [Action] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buffer, buffer.count) > 0 {}
        return pending.withLockedValue { list in
            let out = list
            list.removeAll(keepingCapacity: true)
            return out
        }
    }
}
