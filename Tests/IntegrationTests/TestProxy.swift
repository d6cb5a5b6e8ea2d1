import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A small HTTP CONNECT proxy on loopback, as a corporate one behaves: it answers `CONNECT host:port` with 200
/// and relays bytes both ways; with `credentials` set it wants `Proxy-Authorization: Basic …` (407 otherwise).
/// It records every tunnel it opened, so a test can tell a proxied connection from a direct one.
final class TestProxy: Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let credentials: String?
    private let log = NIOLockedValueBox<[String]>([])
    private let channel = NIOLockedValueBox<Channel?>(nil)

    /// - Parameter credentials: the expected `Proxy-Authorization` value, e.g. `Basic dXNlcjpwYXNz`.
    init(credentials: String? = nil) {
        self.credentials = credentials
    }

    /// Targets of the tunnels opened so far (`127.0.0.1:8080`).
    var tunnels: [String] { log.withLockedValue { $0 } }

    func start() throws -> Int {
        let credentials = self.credentials
        let log = self.log
        let server = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ConnectRequestHandler(credentials: credentials, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        channel.withLockedValue { $0 = server }
        return server.localAddress?.port ?? 0
    }

    func stop() {
        try? channel.withLockedValue { $0 }?.close().wait()
        try? group.syncShutdownGracefully()
    }
}

/// Reads the CONNECT request, dials the target, answers, then becomes a relay.
private final class ConnectRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let credentials: String?
    let log: NIOLockedValueBox<[String]>
    private var head = ""

    init(credentials: String?, log: NIOLockedValueBox<[String]>) {
        self.credentials = credentials
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        head += buffer.readString(length: buffer.readableBytes) ?? ""
        guard head.contains("\r\n\r\n") else { return }
        let lines = head.split(separator: "\r\n")
        let request = lines.first?.split(separator: " ") ?? []
        guard request.count == 3, request[0] == "CONNECT", let colon = request[1].lastIndex(of: ":"),
              let port = Int(request[1][request[1].index(after: colon)...]) else {
            return answer(context, "400 Bad Request")
        }
        if let credentials, !lines.contains(where: { $0.lowercased() == "proxy-authorization: \(credentials.lowercased())" }) {
            return answer(context, "407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"")
        }
        let target = String(request[1])
        let host = String(request[1][..<colon])
        let client = context.channel
        let log = self.log
        ClientBootstrap(group: context.eventLoop)
            .channelInitializer { upstream in
                upstream.eventLoop.makeCompletedFuture { try upstream.pipeline.syncOperations.addHandler(Relay(peer: client)) }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .failure:
                    client.writeAndFlush(ByteBuffer(string: "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")).whenComplete { _ in client.close(promise: nil) }
                case .success(let upstream):
                    log.withLockedValue { $0.append(target) }
                    client.pipeline.addHandler(Relay(peer: upstream)).whenSuccess {
                        client.writeAndFlush(ByteBuffer(string: "HTTP/1.1 200 Connection established\r\n\r\n"), promise: nil)
                    }
                }
            }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func answer(_ context: ChannelHandlerContext, _ status: String) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 \(status)\r\nContent-Length: 0\r\n\r\n"))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

/// Copies what one side reads to the other; either side closing closes both.
private final class Relay: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let peer: Channel

    init(peer: Channel) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
        context.fireChannelInactive()
    }
}
