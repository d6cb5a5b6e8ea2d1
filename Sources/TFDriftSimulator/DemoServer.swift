import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import TFDriftWire

/// The embedded TFDrift-like server: WebSocket on `/ws` plus the REST endpoints the client reads.
/// Used by `--demo`, `demo-server`, the tests and the benchmarks. Binds to loopback unless told otherwise.
public final class DemoServer: Sendable {
    public let options: SimulatorOptions
    let group: MultiThreadedEventLoopGroup
    let hub: Hub
    private let channelBox = ChannelBox()

    final class ChannelBox: @unchecked Sendable {
        // Written once by `start` and read by `stop` on the caller's thread; both are serialised by the caller.
        var channel: Channel?
    }

    public init(options: SimulatorOptions) {
        self.options = options
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.hub = Hub(loop: group.next(), options: options)
    }

    /// Starts listening; returns the bound port (useful with port 0).
    @discardableResult
    public func start() throws -> Int {
        let hub = self.hub
        let options = self.options
        let tls: NIOSSLContext? = try options.tlsCertificate.flatMap { certificate in
            guard let key = options.tlsKey else { return nil }
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            if let clientCA = options.tlsClientCA {
                configuration.certificateVerification = .noHostnameVerification
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
            }
            return try NIOSSLContext(configuration: configuration)
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 1 << 20, high: 4 << 20))
            .childChannelInitializer { channel in
                if hub.down { return channel.close() }
                if let tls {
                    do { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) } catch { return channel.close() }
                }
                if let hostile = hub.hostile, let refusal = hostile.takeRefusal() {
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RawRefusal(response: refusal, runner: hostile))
                    }
                }
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 20, automaticErrorHandling: true,
                    shouldUpgrade: { channel, head in
                        DemoServer.shouldUpgrade(hub: hub, channel: channel, head: head)
                    },
                    upgradePipelineHandler: { channel, _ in
                        channel.pipeline.removeHandler(name: "http").flatMap {
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandlers([
                                    NIOWebSocketFrameAggregator(
                                        minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1024,
                                        maxAccumulatedFrameSize: 1 << 20),
                                    WebSocketSessionHandler(hub: hub, maximumMessage: options.maximumClientMessage),
                                ])
                            }
                        }
                    })
                return channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                ).flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(hub: hub), name: "http")
                }
            }
        let channel = try bootstrap.bind(host: options.host, port: options.port).wait()
        channelBox.channel = channel
        try hub.loop.submit { hub.start() }.wait()
        return channel.localAddress?.port ?? options.port
    }

    public var port: Int? { channelBox.channel?.localAddress?.port }

    /// Stops listening and drops every client without a close frame, like the real server's process exit.
    public func stop() {
        try? hub.loop.submit { [hub] in hub.stop() }.wait()
        try? channelBox.channel?.close().wait()
        channelBox.channel = nil
        try? group.syncShutdownGracefully()
    }

    // MARK: - Fault controls (thread-safe: each runs on the hub's loop)

    public func setFaults(_ faults: SimulatorFaults) {
        try? hub.loop.submit { [hub] in hub.faults = faults }.wait()
    }

    /// Generates `count` events at once (kept in the REST drift list as the real server keeps them).
    public func generate(_ count: Int) {
        try? hub.loop.submit { [hub] in hub.generate(count) }.wait()
    }

    /// Generates events until `count` more drifts are in the list (other kinds come in between, as they would).
    public func generateDrifts(_ count: Int) {
        try? hub.loop.submit { [hub] in
            let target = hub.drifts.count + count
            while hub.drifts.count < target { hub.generate(1) }
        }.wait()
    }

    /// Drifts in the server's list (`total` of `/api/v1/drifts`).
    public var driftCount: Int { (try? hub.loop.submit { [hub] in hub.drifts.count }.wait()) ?? 0 }

    /// Falco's subscription on the server goes down (`/health` degraded) or comes back.
    public func setFalcoConnected(_ connected: Bool) {
        try? hub.loop.submit { [hub] in hub.faults.falcoDisconnected = !connected }.wait()
    }

    /// The graph routes answer `status` and `body` from now on; nil serves the resource graph again.
    public func setGraphAnswer(_ answer: CannedAnswer?) {
        try? hub.loop.submit { [hub] in hub.faults.graphAnswer = answer }.wait()
    }

    public func dropConnections() {
        try? hub.loop.submit { [hub] in hub.dropAll() }.wait()
    }

    public func closeConnections(code: UInt16, reason: String = "") {
        try? hub.loop.submit { [hub] in hub.closeAll(code: code, reason: reason) }.wait()
    }

    /// Simulates a server restart on the same port without releasing it (so no other process can take the
    /// port meanwhile): clients are dropped, state is forgotten, and connections are refused until `comeBack()`.
    public func goDown() {
        try? hub.loop.submit { [hub] in hub.goDown() }.wait()
    }

    public func comeBack() {
        try? hub.loop.submit { [hub] in hub.down = false }.wait()
    }

    /// How often `restartEvery` restarted the server so far.
    public var restarts: Int {
        (try? hub.loop.submit { [hub] in hub.restarts }.wait()) ?? 0
    }

    /// Every message clients sent, in arrival order.
    public var receivedMessages: [String] {
        (try? hub.loop.submit { [hub] in hub.receivedLog }.wait()) ?? []
    }

    static func shouldUpgrade(hub: Hub, channel: Channel, head: HTTPRequestHead) -> EventLoopFuture<HTTPHeaders?> {
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        guard path == "/ws", hub.faults.refuseUpgrade == nil, hub.authorized(head.headers) else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        if hub.faults.stallHandshake {
            let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
            hub.stalled.append(promise)
            channel.closeFuture.whenComplete { _ in promise.succeed(nil) }
            return promise.futureResult
        }
        return channel.eventLoop.makeSucceededFuture(HTTPHeaders(hub.hostile?.takeUpgradeHeaders() ?? []))
    }
}

/// Plain HTTP: the REST endpoints, and the answer to an upgrade that was refused.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let hub: Hub
    private var head: HTTPRequestHead?

    init(hub: Hub) { self.hub = hub }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(context, head)
        }
    }

    func respond(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        let parts = head.uri.split(separator: "?", maxSplits: 1)
        let path = parts.first.map(String.init) ?? "/"
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
            }
        }
        guard head.method == .GET else {
            send(context, status: .methodNotAllowed, body: "", contentType: "text/plain")
            return
        }
        if path.hasPrefix("/api/") || path == "/ws", !hub.authorized(head.headers) {
            send(context, status: .unauthorized, body: "{\"error\":\"Unauthorized\",\"message\":\"missing or wrong token\"}\n")
            return
        }
        switch path {
        case "/ws":
            if let status = hub.faults.refuseUpgrade {
                var extra: [(String, String)] = [("Sec-Websocket-Version", "13")]
                if let retry = hub.faults.retryAfter { extra.append(("Retry-After", retry)) }
                let code = HTTPResponseStatus(statusCode: status)
                send(context, status: code, body: code.reasonPhrase, contentType: "text/plain", extra: extra)
            } else {
                send(context, status: .badRequest, body: "Bad Request", contentType: "text/plain")
            }
        case _ where hub.faults.restMissing && path.hasPrefix("/api/"):
            send(context, status: .notFound, body: "404 page not found\n", contentType: "text/plain")
        case "/health", "/api/v1/health":
            if let body = hub.healthJSON() {
                send(context, status: .ok, body: body)
            } else {
                send(context, status: .notFound, body: "404 page not found\n", contentType: "text/plain")
            }
        case "/api/v1/stats" where hub.hostile?.restOverrides.isEmpty == false,
            "/api/v1/drifts" where hub.hostile?.restOverrides.isEmpty == false:
            let answer = hub.hostile!.restOverrides.removeFirst()
            send(context, status: HTTPResponseStatus(statusCode: answer.status), body: answer.body)
        case "/api/v1/stats":
            send(context, status: .ok, body: hub.statsJSON())
        case "/api/v1/drifts":
            send(context, status: .ok, body: hub.driftsJSON(page: query["page"], limit: query["limit"]))
        case _ where path.hasPrefix("/api/v1/drifts/"):
            let id = Self.decodePathSegment(path.dropFirst("/api/v1/drifts/".count))
            if let body = hub.driftJSON(resourceID: id) {
                send(context, status: .ok, body: body)
            } else {
                send(context, status: .notFound, body: Self.notFound("Drift alert not found"))
            }
        case "/api/v1/state":
            if hub.options.terraformState {
                send(context, status: .ok, body: hub.terraformStateJSON())
            } else {
                send(context, status: .notFound, body: Self.notFound("Terraform state not loaded"))
            }
        case _ where path.hasPrefix("/api/v1/state/resource/"):
            let id = Self.decodePathSegment(path.dropFirst("/api/v1/state/resource/".count))
            if hub.options.terraformState, let body = hub.declaredResourceJSON(resourceID: id) {
                send(context, status: .ok, body: body)
            } else {
                send(context, status: .notFound, body: Self.notFound(hub.options.terraformState ? "Resource not found" : "Terraform state not loaded"))
            }
        case _ where path.hasPrefix("/api/v1/graph/impact/") || path.hasPrefix("/api/v1/graph/dependents/"):
            let route = path.hasPrefix("/api/v1/graph/impact/") ? "impact" : "dependents"
            let id = Self.decodePathSegment(path.dropFirst("/api/v1/graph/\(route)/".count))
            let answer = hub.faults.graphAnswer
                ?? ResourceGraph.standard.answer(route: route, id: id, depth: query["depth"], loaded: hub.options.terraformState)
            send(context, status: HTTPResponseStatus(statusCode: answer.status), body: answer.body)
        default:
            send(context, status: .notFound, body: "404 page not found\n", contentType: "text/plain")
        }
    }

    static func notFound(_ message: String) -> String {
        "{\"success\":false,\"error\":{\"code\":404,\"message\":\(JSONValue.string(message).jsonText)}}\n"
    }

    /// `%2F` and friends back to bytes; a malformed escape is kept as it is.
    static func decodePathSegment(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func send(
        _ context: ChannelHandlerContext, status: HTTPResponseStatus, body: String,
        contentType: String = "application/json", extra: [(String, String)] = []
    ) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.utf8.count))])
        for (name, value) in extra { headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if hub.faults.stallRESTBody, body.utf8.count > 1 {
            // The head and one byte, then nothing: a body the client can only wait for.
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: String(body.prefix(1)))))), promise: nil)
            return
        }
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// One upgraded WebSocket connection on the simulator side.
final class WebSocketSessionHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let hub: Hub
    let maximumMessage: Int
    private var session: ClientSession?

    init(hub: Hub, maximumMessage: Int) {
        self.hub = hub
        self.maximumMessage = maximumMessage
    }

    func handlerAdded(context: ChannelHandlerContext) {
        var rng = SystemRandomNumberGenerator()
        func hex(_ n: Int) -> String { (0..<n).map { _ in String(Int.random(in: 0..<16, using: &rng), radix: 16) }.joined() }
        let id = "\(hex(8))-\(hex(4))-4\(hex(3))-a\(hex(3))-\(hex(12))"
        let session = ClientSession(channel: context.channel, clientID: id, now: .now())
        self.session = session
        hub.add(session)
        hub.flush(session)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let session else { return }
        switch frame.opcode {
        case .text, .binary:
            let payload = frame.unmaskedData
            if payload.readableBytes > maximumMessage {
                // The real server's read limit: close 1009 with an empty reason, then drop the socket.
                var data = context.channel.allocator.buffer(capacity: 2)
                data.write(webSocketErrorCode: .messageTooLarge)
                let channel = context.channel
                hub.remove(channel)
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
                    .whenComplete { _ in channel.close(promise: nil) }
                return
            }
            hub.handle(text: String(buffer: payload), from: session)
        case .pong:
            session.lastPongAt = .now()
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            var data = frame.unmaskedData
            // Logged so tests can see how the client closed (1000 on quit, 1002 on a protocol error, 1009…).
            hub.receivedLog.append("close \(data.getInteger(at: data.readerIndex, as: UInt16.self).map(String.init) ?? "-")")
            let code = data.readWebSocketErrorCode() ?? .normalClosure
            var echo = context.channel.allocator.buffer(capacity: 2)
            echo.write(webSocketErrorCode: code)
            let channel = context.channel
            hub.remove(channel)
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: echo)))
                .whenComplete { _ in channel.close(promise: nil) }
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        hub.remove(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        hub.remove(context.channel)
        context.close(promise: nil)
    }
}
