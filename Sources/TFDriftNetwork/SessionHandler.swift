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
    private var closeReason: String?
    private var reported = false
    private var paused = false

    init(
        generation: Int, register: @escaping @Sendable (Channel) -> Void, deliver: @escaping @Sendable (Action) -> Void,
        backlog: (@Sendable () -> Int)? = nil, maximumBacklog: Int = 256
    ) {
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
            let decoded = payload.withUnsafeReadableBytes { raw in
                FrameDecoder.decode(raw.bindMemory(to: UInt8.self))
            }
            deliver(.received(generation: generation, items: Ingest.items(from: decoded, receivedAt: at), at: at))
            pauseIfBehind(context)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
            deliver(.received(generation: generation, items: [], at: SystemClock.now()))
        case .pong:
            deliver(.received(generation: generation, items: [], at: SystemClock.now()))
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode()
            let text = data.readString(length: data.readableBytes) ?? ""
            closeReason = SessionHandler.describe(code: code, text: text)
            // Echo the close (RFC 6455 §5.5.1), then drop the connection.
            var echo = context.channel.allocator.buffer(capacity: 2)
            if let code { echo.write(webSocketErrorCode: code) }
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in channel.close(promise: nil) }
        default:
            break
        }
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
        if closeReason == nil { closeReason = "protocol error: \(error)" }
        context.close(promise: nil)
    }

    private func report(_ reason: String) {
        guard !reported else { return }
        reported = true
        deliver(.connectionClosed(generation: generation, Disconnection(reason), at: SystemClock.now(), jitter: Double.random(in: 0..<1)))
    }

    static func describe(code: WebSocketErrorCode?, text: String) -> String {
        guard let code else { return "server closed the connection" }
        let number = UInt16(webSocketErrorCode: code)
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
