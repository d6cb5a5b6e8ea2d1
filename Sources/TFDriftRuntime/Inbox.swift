#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import TFDriftCore
import TFDriftNetwork

/// Hands actions from other threads (the network event loop, signal handlers) to the main loop.
/// A locked array plus a self-pipe: the main loop `poll(2)`s the pipe, so an idle dashboard sleeps.
public final class Inbox: Sendable {
    private let pending = NIOLockedValueBox<(actions: [Action], messages: Int)>(([], 0))
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
        var size = 1
        var unaddressed = action
        if case .server(_, let inner) = action { unaddressed = inner }
        switch unaddressed {
        case .received(_, let items, _): size = max(1, items.count)
        // Undecoded (while recording): its lines are its messages, so the bound stays one of messages.
        case .frameReceived(_, let bytes, _): size = 1 + bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        default: break
        }
        let wasEmpty = pending.withLockedValue { box -> Bool in
            let empty = box.actions.isEmpty
            box.actions.append(action)
            box.messages += size
            return empty
        }
        if wasEmpty { wake() }
    }

    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// One client per server of `state`, each delivering here; with several servers each addresses what it
    /// delivers to its server (`Action.server`), so the store knows whose news it is.
    public func clients(for state: State, options: (Int) -> WebSocketClient.Options) -> [WebSocketClient] {
        let several = state.isMultiServer
        return state.servers.indices.map { index in
            WebSocketClient(options: options(index)) { [self] action in
                post(several ? .server(index, action) : action)
            }
        }
    }

    /// Messages waiting for the main loop (a frame of 256 objects counts 256); the network reader pauses when
    /// this grows (see `WebSocketClient`), so the backlog is bounded by messages, not by frames of any size.
    public var backlog: Int { pending.withLockedValue { $0.messages } }

    /// Everything posted since the last drain, in order.
    public func drain() -> [Action] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buffer, buffer.count) > 0 {}
        return pending.withLockedValue { box in
            let out = box.actions
            box.actions.removeAll(keepingCapacity: true)
            box.messages = 0
            return out
        }
    }
}
