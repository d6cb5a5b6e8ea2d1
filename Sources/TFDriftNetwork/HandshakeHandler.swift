import TFDriftWire
import NIOCore
import NIOWebSocket
import TFDriftCore

/// Why a WebSocket could not be opened or stayed open.
public struct HandshakeFailure: Error, Sendable, CustomStringConvertible {
    /// The HTTP status when the server answered the upgrade with something other than 101.
    public var status: Int?
    public var retryAfter: String?
    public var message: String
    /// The server's certificate failed verification: a configuration problem, not worth retrying by itself.
    public var certificateRejected = false
    /// The rejection is BoringSSL's catch-all (not a name mismatch): worth a look at the chain to say why.
    var certificateUnverified = false

    public var description: String { message }
}

/// Performs the client side of the RFC 6455 opening handshake by hand, so that a refused upgrade keeps
/// its HTTP status and `Retry-After` (401, 429 and 500 need different reactions), then replaces itself
/// with NIO's frame codec. No `Origin` header, no subprotocol, no extensions: what the real server accepts.
final class HandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maximumHeaderBytes = 16 * 1024
    /// The largest message accepted (the real server's biggest, a 256-event batch, is about 140 KB); a larger
    /// one closes the connection with 1009, so one message can never cost more than a few times this in memory.
    static let maximumMessageBytes = 8 * 1024 * 1024
    /// Enough for a full-size message in the real server's 1 KiB fragments.
    static let maximumFragments = 16_384

    let url: ServerURL
    let extraHeaders: [(String, String)]
    let key: String
    let onUpgraded: (ChannelHandlerContext) throws -> Void
    let onFailed: (HandshakeFailure) -> Void
    private var received: ByteBuffer?
    private var done = false
    private var requested = false

    init(
        url: ServerURL, extraHeaders: [(String, String)],
        onUpgraded: @escaping (ChannelHandlerContext) throws -> Void, onFailed: @escaping (HandshakeFailure) -> Void
    ) {
        self.url = url
        self.extraHeaders = extraHeaders
        var nonce: [UInt8] = []
        for _ in 0..<16 { nonce.append(UInt8.random(in: 0...255)) }
        self.key = HandshakeDigest.base64(nonce)
        self.onUpgraded = onUpgraded
        self.onFailed = onFailed
    }

    /// Added after a proxy tunnel opened, the channel is already active: no `channelActive` will come.
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendRequest(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context)
        context.fireChannelActive()
    }

    private func sendRequest(_ context: ChannelHandlerContext) {
        guard !requested else { return }
        requested = true
        var request = "GET \(url.path) HTTP/1.1\r\nHost: \(url.hostHeader)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\nUser-Agent: tfdrift-tui\r\n"
        for (name, value) in extraHeaders { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var incoming = unwrapInboundIn(data)
        if received == nil { received = incoming } else { received!.writeBuffer(&incoming) }
        guard let buffer = received else { return }
        let view = buffer.readableBytesView
        guard let end = HTTPHead.end(of: view) else {
            if buffer.readableBytes > HandshakeHandler.maximumHeaderBytes {
                fail(context, HandshakeFailure(status: nil, message: "upgrade response header larger than 16 KiB"))
            }
            return
        }
        let headerText = String(decoding: view[view.startIndex..<end], as: UTF8.self)
        var lines = headerText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingBlanks
            headers[name] = value
        }
        guard let (status, reasonPhrase) = HTTPHead.status(headerText) else {
            fail(context, HandshakeFailure(status: nil, message: "not an HTTP response: \(Sanitizer.clean(statusLine, limit: 60))"))
            return
        }
        guard status == 101 else {
            // The reason phrase and headers are the server's text: cleaned before they reach any output.
            let reason = reasonPhrase.isEmpty ? "" : " " + reasonPhrase
            var message = "upgrade refused: HTTP \(status)\(reason)"
            if let retry = headers["retry-after"] { message += " (Retry-After \(Sanitizer.clean(retry, limit: 40)))" }
            if status == 404, url.path != "/ws" {
                message += " — TFDrift-Falco serves the WebSocket at /ws: try \(url.withWebSocketPath)"
            }
            fail(context, HandshakeFailure(status: status, retryAfter: headers["retry-after"], message: message))
            return
        }
        guard headers["upgrade"]?.lowercased() == "websocket",
            headers["connection"]?.lowercased().contains("upgrade") == true
        else {
            fail(context, HandshakeFailure(status: 101, message: "101 response without WebSocket upgrade headers"))
            return
        }
        guard headers["sec-websocket-accept"] == HandshakeDigest.acceptValue(forKey: key) else {
            fail(context, HandshakeFailure(status: 101, message: "server sent a wrong Sec-WebSocket-Accept"))
            return
        }
        // The client asks for no subprotocol and no extension; one the server picks anyway means frames this
        // client cannot read (a compressed frame, say), so the connection fails (RFC 6455 §4.1, items 5 and 6).
        for (name, header) in [("subprotocol", "sec-websocket-protocol"), ("extension", "sec-websocket-extensions")] {
            if let value = headers[header], !value.isEmpty {
                fail(context, HandshakeFailure(status: 101, message: "server chose the \(name) \"\(Sanitizer.clean(value, limit: 60))\", which the client did not ask for"))
                return
            }
        }
        done = true
        var leftover = buffer
        leftover.moveReaderIndex(forwardBy: end - view.startIndex + 4)
        received = nil
        do {
            try onUpgraded(context)
            if leftover.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(leftover)) }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } catch {
            fail(context, HandshakeFailure(status: 101, message: "could not set up the WebSocket: \(Dialer.describe(error))"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done {
            done = true
            onFailed(HandshakeFailure(status: nil, message: "connection closed during the WebSocket handshake"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let advice = TLSFailure.certificateProblem(error) {
            var failure = HandshakeFailure(status: nil, message: advice)
            failure.certificateRejected = true
            failure.certificateUnverified = TLSFailure.reason(of: error) == "CERTIFICATE_VERIFY_FAILED"
            fail(context, failure)
            return
        }
        if let words = TLSFailure.handshakeProblem(error) {
            fail(context, HandshakeFailure(status: nil, message: Sanitizer.clean(words, limit: 300)))
            return
        }
        fail(context, HandshakeFailure(status: nil, message: "handshake failed: \(Dialer.describe(error))"))
    }

    func fail(_ context: ChannelHandlerContext, _ failure: HandshakeFailure) {
        guard !done else { return }
        done = true
        onFailed(failure)
        context.close(promise: nil)
    }
}
