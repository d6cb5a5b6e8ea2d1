import NIOCore
import NIOWebSocket

/// A server frame that breaks RFC 6455, with the close code the client answers it with.
struct ProtocolViolation: Error, Sendable, CustomStringConvertible {
    var code: WebSocketErrorCode
    var description: String
}

/// Checks every frame the server sends, before fragments are joined: RSV bits without a negotiated extension,
/// reserved opcodes and masked frames fail the connection with 1002 (RFC 6455 §5.1–5.3); the client must
/// not guess what such a frame means. A violation travels on as an error, which the session handler turns
/// into a close frame and a reconnect.
final class ProtocolGuard: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    private var failed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let frame = unwrapInboundIn(data)
        if let problem = ProtocolGuard.violation(in: frame) {
            failed = true
            context.fireErrorCaught(problem)
            return
        }
        context.fireChannelRead(data)
    }

    static func violation(in frame: WebSocketFrame) -> ProtocolViolation? {
        if frame.rsv1 || frame.rsv2 || frame.rsv3 {
            return ProtocolViolation(code: .protocolError, description: "frame with RSV bits set, but no extension was negotiated")
        }
        if frame.maskKey != nil {
            return ProtocolViolation(code: .protocolError, description: "masked frame from the server")
        }
        switch frame.opcode {
        case .continuation, .text, .binary, .connectionClose, .ping, .pong:
            return nil
        default:
            let raw = UInt8(webSocketOpcode: frame.opcode)
            return ProtocolViolation(code: .protocolError, description: "reserved opcode \(raw)")
        }
    }

    /// Close codes a peer may send (RFC 6455 §7.4): 1004–1006 and 1015 never go on the wire, 1016–2999 are
    /// reserved for the protocol, and nothing above 4999 exists.
    static func isValidCloseCode(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
