import Foundation
import NIOConcurrencyHelpers
import TFDriftCore
import TFDriftNetwork

/// The reference clients of the end-to-end rows, subscribed to everything:
/// - `.frames` counts the messages in the frames it receives (newlines + 1) and decodes nothing, so it shows
///   how much the simulator can send here;
/// - `.records` decodes every message into records on its network thread (the pipeline's own decoder) and
///   drops them there: no store, no hand-over to another thread. It shows how much a client that decodes at
///   all keeps on this machine (not a strict bound: it decodes and frees on one thread, the pipeline uses two).
final class FrameCounter: Sendable {
    enum Mode { case frames, records }

    private let counted = NIOLockedValueBox(0)
    private let client: NIOLockedValueBox<WebSocketClient?> = NIOLockedValueBox(nil)
    /// Threads this client's event loop runs on (for its processor time).
    let threads: Set<String>

    init(url: String, mode: Mode = .frames) {
        var options = WebSocketClient.Options()
        options.rawFrames = mode == .frames
        let before = threadIDs()
        let client = WebSocketClient(options: options) { [counted, client = self.client] action in
            switch action {
            case .frameReceived(_, let bytes, _):
                let messages = 1 + bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                counted.withLockedValue { $0 += messages }
            case .received(_, let items, _):
                counted.withLockedValue { $0 += items.count }
            case .connectionOpened:
                let subscriber = client.withLockedValue { $0 }
                DispatchQueue.global().async { subscriber?.send(generation: 1, .subscribe("all")) }
            default:
                break
            }
        }
        threads = threadIDs().subtracting(before)
        self.client.withLockedValue { $0 = client }
        client.connect(generation: 1, url: url)
    }

    var messages: Int { counted.withLockedValue { $0 } }

    func shutdown() { client.withLockedValue { $0 }?.shutdown() }
}
