import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOWebSocket
import TFDriftCore
import TFDriftWire

/// Runs the connection effects: opens sockets, sends client messages, closes. Every callback is tagged with
/// the generation it was opened for; the reducer ignores stale ones, and `send` never writes to a socket of
/// another generation.
public final class WebSocketClient: Sendable {
    public struct Options: Sendable {
        public var connectTimeout: Double
        public var handshakeTimeout: Double
        /// Extra request headers (e.g. `Authorization`), sent on the upgrade request.
        public var headers: [(String, String)]
        /// How many messages wait for the consumer; reading pauses above `maximumBacklog` so a consumer slower
        /// than a flood (tail writing NDJSON into a pipe) cannot make memory grow without bound. The server
        /// then drops events for us, as the real one does for any slow client. 4,096 messages are about 20 ms of
        /// the main loop's work: a quarter of the memory of the 16,384 it was, with the same share of a flood kept.
        public var backlog: (@Sendable () -> Int)?
        public var maximumBacklog: Int
        public var tls: TLSOptions
        public var proxy: ProxySettings
        /// `--log-file`: REST calls with status and latency (the runtime logs connection changes and problems).
        public var logger: Logger?
        /// `--record`: messages arrive undecoded, to be recorded byte for byte (decoded on the main thread).
        public var rawFrames = false
        /// `false` for `tail`: records come without the cleaned line the dashboard's detail view shows.
        public var keepsRawLines = true

        public init(
            connectTimeout: Double = 10, handshakeTimeout: Double = 10, headers: [(String, String)] = [],
            backlog: (@Sendable () -> Int)? = nil, maximumBacklog: Int = 4096, tls: TLSOptions = TLSOptions(),
            proxy: ProxySettings = .direct, logger: Logger? = nil
        ) {
            self.logger = logger
            self.tls = tls
            self.proxy = proxy
            self.connectTimeout = connectTimeout
            self.handshakeTimeout = handshakeTimeout
            self.headers = headers
            self.backlog = backlog
            self.maximumBacklog = maximumBacklog
        }
    }

    let group: MultiThreadedEventLoopGroup
    let options: Options
    let deliver: @Sendable (Action) -> Void
    private let channels = NIOLockedValueBox<[Int: Channel]>([:])
    /// Every channel of this client (the WebSocket's and the REST calls'), whichever dialer opened it.
    private let tracker = ChannelTracker()
    /// REST calls share this client's event loop and its way to the server (proxy, TLS, headers).
    public let rest: RestClient
    let reach: Reach

    public init(options: Options = Options(), deliver: @escaping @Sendable (Action) -> Void) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.options = options
        self.deliver = deliver
        self.reach = Reach(
            Dialer(group: group, tls: options.tls, proxy: options.proxy, timeout: options.connectTimeout, channels: tracker),
            headers: options.headers)
        self.rest = RestClient(reach: reach, logger: options.logger, deliver: deliver)
    }

    /// A changed configuration file: these headers (the token's among them), TLS settings and proxies apply from
    /// the next connection attempt and REST call on; the open socket keeps what it was opened with.
    public func reconfigure(headers: [(String, String)], tls: TLSOptions, proxy: ProxySettings) {
        reach.set(Dialer(group: group, tls: tls, proxy: proxy, timeout: options.connectTimeout, channels: tracker), headers: headers)
    }

    public func connect(generation: Int, url text: String) {
        let url: ServerURL
        do {
            url = try ServerURL(parsing: text)
        } catch {
            closed(generation, Disconnection(Sanitizer.clean("\(error)", limit: 200)))
            return
        }
        let options = self.options
        let channels = self.channels
        let (dialer, headers) = reach.current
        // The connect future can complete after the handshake (the resolver step of `connect(host:port:)`), so the
        // socket is registered by the session handler itself, and unregistered only if it is still the one stored.
        let register: @Sendable (Channel) -> Void = { channel in
            channels.withLockedValue { $0[generation] = channel }
            channel.closeFuture.whenComplete { _ in
                channels.withLockedValue { map in
                    if map[generation] === channel { map.removeValue(forKey: generation) }
                }
            }
        }
        let deliver = self.deliver
        let failed: @Sendable (Disconnection) -> Void = { disconnection in
            deliver(.connectionClosed(generation: generation, disconnection, at: SystemClock.now(), jitter: Double.random(in: 0..<1)))
        }
        dialer.open(url, upper: { channel in
            let timeout = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(options.handshakeTimeout * 1000))) {
                failed(Disconnection("no WebSocket handshake within \(Checked.clamped(options.handshakeTimeout.rounded(), to: 0...86_400)) s"))
                channel.close(promise: nil)
            }
            let handshake = HandshakeHandler(
                url: url, extraHeaders: headers,
                onUpgraded: { context in
                    timeout.cancel()
                    try context.pipeline.syncOperations.addHandlers(
                        [
                            ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: HandshakeHandler.maximumMessageBytes)),
                            WebSocketFrameEncoder(),
                            ProtocolGuard(),
                            NIOWebSocketFrameAggregator(
                                minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: HandshakeHandler.maximumFragments,
                                maxAccumulatedFrameSize: HandshakeHandler.maximumMessageBytes),
                            SessionHandler(
                                generation: generation, register: register, deliver: deliver,
                                backlog: options.backlog, maximumBacklog: options.maximumBacklog, rawFrames: options.rawFrames,
                                keepsRawLines: options.keepsRawLines),
                        ], position: .last)
                },
                onFailed: { failure in
                    timeout.cancel()
                    let disconnection = Disconnection(
                        failure.message, httpStatus: failure.status == 101 ? nil : failure.status,
                        retryAfter: failure.retryAfter.flatMap(RetryAfter.parse), certificateRejected: failure.certificateRejected)
                    guard failure.certificateUnverified else { return failed(disconnection) }
                    // One code for every reason: look at the chain to say which.
                    dialer.diagnoseCertificate(url) { advice in
                        var diagnosed = disconnection
                        if let advice { diagnosed.message = advice }
                        failed(diagnosed)
                    }
                })
            try channel.pipeline.syncOperations.addHandler(handshake)
        }, failed: { failure in
            failed(Disconnection(failure.message, proxyRefused: failure.proxyRefused))
        })
    }

    public func send(generation: Int, _ message: ClientMessage) {
        let text: String
        do {
            text = try message.encoded()
        } catch {
            deliver(.sendFailed(generation: generation, message: message, reason: error.description))
            return
        }
        guard let channel = channels.withLockedValue({ $0[generation] }) else {
            deliver(.sendFailed(generation: generation, message: message, reason: "not connected"))
            return
        }
        let frame = WebSocketFrame(
            fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(string: text))
        let deliver = self.deliver
        channel.writeAndFlush(frame).whenFailure { error in
            deliver(.sendFailed(generation: generation, message: message, reason: Dialer.describe(error)))
        }
    }

    /// Sends text without the size check: only for tests that probe how a server treats oversized messages.
    func sendUnchecked(generation: Int, text: String) {
        guard let channel = channels.withLockedValue({ $0[generation] }) else { return }
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(string: text)), promise: nil)
    }

    /// Closes the socket of `generation` with a normal close frame.
    public func disconnect(generation: Int) {
        guard let channel = channels.withLockedValue({ $0[generation] }) else { return }
        var data = channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: .normalClosure)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        channel.writeAndFlush(frame).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Drops the socket of `generation` without a close handshake (for a connection declared dead).
    public func abort(generation: Int) {
        channels.withLockedValue { $0[generation] }?.close(promise: nil)
    }

    /// The WebSocket and every REST call in flight are closed, and their handlers have run, before the loop goes.
    public func shutdown() {
        tracker.closeAll(on: group.next(), within: 2)
        try? group.syncShutdownGracefully()
    }

    private func closed(_ generation: Int, _ disconnection: Disconnection) {
        deliver(.connectionClosed(generation: generation, disconnection, at: SystemClock.now(), jitter: Double.random(in: 0..<1)))
    }
}

/// How the server is reached: the dialer (proxy, TLS) and the request headers, swapped whole when the
/// configuration changes.
final class Reach: Sendable {
    private let box: NIOLockedValueBox<(dialer: Dialer, headers: [(String, String)])>

    init(_ dialer: Dialer, headers: [(String, String)]) {
        box = NIOLockedValueBox((dialer, headers))
    }

    var current: (dialer: Dialer, headers: [(String, String)]) { box.withLockedValue { $0 } }

    func set(_ dialer: Dialer, headers: [(String, String)]) {
        box.withLockedValue { $0 = (dialer, headers) }
    }
}
