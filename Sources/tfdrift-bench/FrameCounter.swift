import Foundation
import NIOConcurrencyHelpers
import TFDriftNetwork

/// The baseline client of the end-to-end rows: subscribed to everything, it counts the messages in the frames it
/// receives (newlines + 1) and decodes nothing, so it shows how much the simulator can send here.
final class FrameCounter: Sendable {
    private let counted = NIOLockedValueBox(0)
    private let client: NIOLockedValueBox<WebSocketClient?> = NIOLockedValueBox(nil)

    init(url: String) {
        var options = WebSocketClient.Options()
        options.rawFrames = true
        let client = WebSocketClient(options: options) { [counted, client = self.client] action in
            switch action {
            case .frameReceived(_, let bytes, _):
                let messages = 1 + bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                counted.withLockedValue { $0 += messages }
            case .connectionOpened:
                let subscriber = client.withLockedValue { $0 }
                DispatchQueue.global().async { subscriber?.send(generation: 1, .subscribe("all")) }
            default:
                break
            }
        }
        self.client.withLockedValue { $0 = client }
        client.connect(generation: 1, url: url)
    }

    var messages: Int { counted.withLockedValue { $0 } }

    func shutdown() { client.withLockedValue { $0 }?.shutdown() }
}
