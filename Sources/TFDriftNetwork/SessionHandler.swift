import NIOCore
import NIOWebSocket
import TFDriftCore
import TFDriftWire

/// Handles an open WebSocket: decodes text messages right here on the event loop (so the UI thread only
/// reduces), answers control pings at once (the real server drops a client 60 s after the last pong,
/// and a reader that waited on the UI would miss them), and completes the close handshake.
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let generation: Int
    let deliver: @Sendable (Action) -> Void
    let register: @Sendable (Channel) -> Void
    let backlog: (@Sendable () -> Int)?
    let maximumBacklog: Int
    /// Recording: deliver each message's bytes undecoded (`.frameReceived`), so the recording holds them exactly.
    let rawFrames: Bool
    /// Whether records carry the cleaned line for the detail view (`tail` prints fields and asks for none).
    let keepsRawLines: Bool
    private var closeReason: String?
    private var reported = false
    private var paused = false
    private var closing = false
    private var lastLiveness = -Double.infinity

    init(
        generation: Int, register: @escaping @Sendable (Channel) -> Void, deliver: @escaping @Sendable (Action) -> Void,
        backlog: (@Sendable () -> Int)? = nil, maximumBacklog: Int = 4096, rawFrames: Bool = false,
        keepsRawLines: Bool = true
    ) {
        self.rawFrames = rawFrames
        self.keepsRawLines = keepsRawLines
        self.generation = generation
        self.register = register
        self.deliver = deliver
        self.backlog = backlog
        self.maximumBacklog = maximumBacklog
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Registered before anyone hears of the open socket, so the first subscribe always finds it.
        register(context.channel)
        deliver(.connectionOpened(generation: generation, at: SystemClock.now()))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            let at = SystemClock.now()
            let payload = frame.unmaskedData
            if rawFrames {
                deliver(.frameReceived(generation: generation, bytes: Array(payload.readableBytesView), at: at))
            } else {
                let items = payload.withUnsafeReadableBytes { raw in
                    Ingest.items(fromFrame: raw.bindMemory(to: UInt8.self), receivedAt: at, keepingRaw: keepsRawLines)
                }
                deliver(.received(generation: generation, items: items, at: at))
            }
            pauseIfBehind(context)
        case .ping:
            // A peer that pings while it stops reading would make the pongs queue without end: once the
            // outbound side is full, the connection is dead whatever arrives, and pings stop counting as life.
            guard context.channel.isWritable else {
                closeReason = "outbound queue full while the server kept pinging (its pongs could not be written); connection dropped"
                context.close(promise: nil)
                return
            }
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
            noteLiveness()
        case .pong:
            noteLiveness()
        case .connectionClose:
            var data = frame.unmaskedData
            if data.readableBytes == 1 {
                failConnection(context, ProtocolViolation(code: .protocolError, description: "close frame with a 1-byte payload"))
                return
            }
            let code = data.readInteger(as: UInt16.self)
            if let code, !ProtocolGuard.isValidCloseCode(code) {
                // Never echo an invalid code back (1005, 999, 5000…): answer it as the protocol error it is.
                failConnection(context, ProtocolViolation(code: .protocolError, description: "invalid close code \(code)"))
                return
            }
            // A close reason must be UTF-8 (RFC 6455 §5.5.1); one that is not fails the connection with 1007.
            guard let text = String(validating: data.readableBytesView, as: UTF8.self) else {
                failConnection(context, ProtocolViolation(code: .dataInconsistentWithMessage, description: "close reason that is not UTF-8"))
                return
            }
            closeReason = SessionHandler.describe(code: code, text: text)
            // Echo the close (RFC 6455 §5.5.1), then drop the connection.
            close(context, code: code)
        default:
            break
        }
    }

    /// Control frames prove the link is alive; a flood of them is folded into one action per 100 ms so that it
    /// cannot fill the inbox.
    private func noteLiveness() {
        let now = SystemClock.now()
        guard now - lastLiveness >= 0.1 else { return }
        lastLiveness = now
        deliver(.received(generation: generation, items: [], at: now))
    }

    /// Fails the WebSocket connection (RFC 6455 §7.1.7): a close frame with `violation.code`, then the TCP close.
    private func failConnection(_ context: ChannelHandlerContext, _ violation: ProtocolViolation) {
        guard !closing else { return }
        closing = true
        let number = UInt16(webSocketErrorCode: violation.code)
        closeReason = "\(violation.description); closed with \(number)"
        close(context, code: number)
    }

    /// A close frame carrying `code` (none for an empty one), then the TCP close once it is written.
    private func close(_ context: ChannelHandlerContext, code: UInt16?) {
        var data = context.channel.allocator.buffer(capacity: 2)
        if let code { data.writeInteger(code) }
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Stops reading while the consumer is behind, and resumes once it has caught up (checked every 5 ms).
    private func pauseIfBehind(_ context: ChannelHandlerContext) {
        guard let backlog, !paused, backlog() > maximumBacklog else { return }
        paused = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        scheduleResumeCheck(context)
    }

    private func scheduleResumeCheck(_ context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let contextBox = NIOLoopBound(context, eventLoop: loop)
        let selfBox = NIOLoopBound(self, eventLoop: loop)
        loop.scheduleTask(in: .milliseconds(5)) {
            let handler = selfBox.value
            let context = contextBox.value
            guard context.channel.isActive else { return }
            if let backlog = handler.backlog, backlog() > handler.maximumBacklog / 4 {
                handler.scheduleResumeCheck(context)
            } else {
                handler.paused = false
                context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
                context.read()
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        report(closeReason ?? "connection lost (1006, no close frame)")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is IOError {
            // The socket failed (a reset): the link is gone and the server broke no rule; nothing can be sent.
            guard !closing else { return }
            closing = true
            closeReason = "connection lost: \(Dialer.describe(error))"
            context.close(promise: nil)
            return
        }
        failConnection(context, SessionHandler.violation(for: error))
    }

    /// What a decoding error means on the wire: too big is 1009, anything else the server got wrong is 1002.
    static func violation(for error: Error) -> ProtocolViolation {
        let limit = HandshakeHandler.maximumMessageBytes / (1024 * 1024)
        switch error {
        case let violation as ProtocolViolation:
            return violation
        case NIOWebSocketError.invalidFrameLength, NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge,
            NIOWebSocketFrameAggregator.Error.tooManyFragments:
            return ProtocolViolation(code: .messageTooLarge, description: "message larger than the client's \(limit) MiB limit")
        case NIOWebSocketError.fragmentedControlFrame:
            return ProtocolViolation(code: .protocolError, description: "fragmented control frame")
        case NIOWebSocketError.multiByteControlFrameLength:
            return ProtocolViolation(code: .protocolError, description: "control frame longer than 125 bytes")
        case let e as NIOWebSocketFrameAggregator.Error:
            return ProtocolViolation(code: .protocolError, description: "broken fragmentation (\(e))")
        default:
            return ProtocolViolation(code: .protocolError, description: "protocol error: \(Sanitizer.clean(String(describing: error), limit: 120))")
        }
    }

    private func report(_ reason: String) {
        guard !reported else { return }
        reported = true
        deliver(.connectionClosed(generation: generation, Disconnection(reason), at: SystemClock.now(), jitter: Double.random(in: 0..<1)))
    }

    static func describe(code: UInt16?, text: String) -> String {
        guard let number = code else { return "server closed the connection" }
        let name: String
        switch number {
        case 1000: name = "normal closure"
        case 1001: name = "going away"
        case 1002: name = "protocol error"
        case 1003: name = "unsupported data"
        case 1008: name = "policy violation"
        case 1009: name = "message too big"
        case 1011: name = "server error"
        case 1012: name = "service restart"
        case 1013: name = "try again later"
        default: name = "code \(number)"
        }
        let detail = text.isEmpty ? "" : ": " + Sanitizer.clean(text, limit: 80)
        return "server closed (\(number) \(name)\(detail))"
    }
}
