import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import TFDriftCore
import TFDriftWire

/// Why a connection could not be set up below HTTP: the proxy, TLS setup, or the TCP connect.
struct DialFailure: Error, Sendable {
    var message: String
    /// A proxy's refusal that retrying will not fix (407, 403): stop, like a 401.
    var proxyRefused = false
}

/// Opens the byte stream every request rides on, the one place that knows about proxies and TLS: TCP to the
/// server or to its proxy, CONNECT through the proxy, then TLS when the address is secure. The WebSocket and every
/// REST call dial the same way, so a setting (`--ca-file`, `--proxy`) can never apply to one and not the other.
struct Dialer: Sendable {
    let group: EventLoopGroup
    let tls: TLSOptions
    let proxy: ProxySettings
    let timeout: Double
    /// Every channel this dialer opens, so that the loop is shut down only after they closed.
    var channels = ChannelTracker()

    /// Connects to `url`'s host and adds `upper` once the stream to the server is ready (at once without a proxy,
    /// after the tunnel with one). `failed` is called at most once, for anything before `upper` is in place; after
    /// that, errors reach `upper`'s handlers as usual.
    /// - Parameter inspect: diagnostic use only: receives the certificate chain the server presents, and the
    ///   handshake is then aborted (no request is ever sent).
    func open(
        _ url: ServerURL, inspect: (@Sendable ([NIOSSLCertificate]) -> Void)? = nil,
        upper: @escaping @Sendable (Channel) throws -> Void, failed: @escaping @Sendable (DialFailure) -> Void
    ) {
        guard !channels.closing else { return failed(DialFailure(message: "shutting down")) }
        let sslContext: NIOSSLContext?
        do {
            sslContext = url.secure ? try tls.context() : nil
        } catch {
            return failed(DialFailure(message: Sanitizer.clean(error.message, limit: 300)))
        }
        let route = proxy.endpoint(for: url)
        let timeout = self.timeout
        /// TLS (when secure) and then the caller's handlers, at the end of the pipeline.
        @Sendable func addServerSide(_ channel: Channel) throws {
            let sync = channel.pipeline.syncOperations
            if let sslContext {
                let hostname = url.hostIsIPAddress ? nil : url.host
                if let inspect {
                    try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: hostname) { chain, verdict in
                        inspect(chain)
                        verdict.succeed(NIOSSLVerificationResult.failed)
                    })
                } else {
                    try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: hostname))
                }
            }
            try upper(channel)
        }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { [channels] channel in
                channels.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    if let route {
                        let tunnel = ProxyConnectHandler(
                            proxy: route, target: url, timeout: timeout,
                            onTunnel: { try addServerSide(channel) }, onFailed: failed)
                        try channel.pipeline.syncOperations.addHandler(tunnel)
                    } else {
                        try addServerSide(channel)
                    }
                }
            }
        let (host, port) = route.map { ($0.host, $0.port) } ?? (url.host, url.port)
        bootstrap.connect(host: host, port: port).whenFailure { error in
            let what = route.map { "the proxy \($0)" } ?? url.hostHeader
            failed(DialFailure(message: "cannot connect to \(what): \(Dialer.describe(error))"))
        }
    }

    /// After a certificate failed verification: looks at the chain the server presents (a second handshake,
    /// aborted before anything is sent) and says what is wrong with it; nil when nothing specific shows, or
    /// when the server cannot be reached again within the timeout.
    func diagnoseCertificate(_ url: ServerURL, then: @escaping @Sendable (String?) -> Void) {
        let trusted = CertificateDiagnosis.subjects(inCAFile: tls.caFile)
        presentedChain(url, within: timeout) { seen in
            guard case .success(let chain)? = seen else { return then(nil) }
            let now = Checked.clamped(SystemClock.now(), to: 0...Int(Int32.max) * 8)
            then(CertificateDiagnosis.advice(chain: chain, now: now, trustedSubjects: trusted))
        }
    }

    /// The certificate chain the server presents, leaf first (a handshake aborted before anything is sent), or
    /// why it could not be seen; nil when nothing came within `seconds`. Answered once.
    func presentedChain(
        _ url: ServerURL, within seconds: Double, then: @escaping @Sendable (Result<[CertificateDiagnosis.Facts], DialFailure>?) -> Void
    ) {
        let answer = FirstAnswer()
        let finish: @Sendable (Result<[CertificateDiagnosis.Facts], DialFailure>?) -> Void = { result in
            if answer.claim() { then(result) }
        }
        open(url, inspect: { chain in finish(.success(chain.map(CertificateDiagnosis.Facts.init))) }, upper: { _ in }, failed: { finish(.failure($0)) })
        guard !channels.closing else { return }
        group.next().scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { finish(nil) }
    }

    /// An error as one short, clean line: library errors can carry server text (TLS alerts, addresses).
    static func describe(_ error: Error) -> String {
        let text: String
        if let e = error as? IOError {
            // The system's words for the errno, not the syscall's signature.
            text = "\(String(cString: strerror(e.errnoCode))) (errno \(e.errnoCode))"
        } else if let e = error as? NIOConnectionError {
            // Every address of the host failed: the first one's reason says it.
            if let first = e.connectionErrors.first {
                return describe(first.error)
            }
            text = e.dnsAError != nil || e.dnsAAAAError != nil ? "the host name did not resolve" : "no address to connect to"
        } else if let e = error as? ChannelError, case .connectTimeout(let t) = e {
            text = "connect timed out after \(t.nanoseconds / 1_000_000_000) s"
        } else if let words = TLSFailure.certificateProblem(error) ?? TLSFailure.handshakeProblem(error) {
            text = words
        } else {
            text = "\(error)"
        }
        return Sanitizer.clean(text, limit: 300)
    }
}

/// Asks an HTTP proxy for a tunnel (`CONNECT host:port`), then steps aside: on `200` it puts the server-side
/// handlers after itself and removes itself; anything else is a failure in words (407 wants credentials).
final class ProxyConnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maximumResponseBytes = 16 * 1024

    let proxy: ProxyEndpoint
    let target: ServerURL
    let timeout: Double
    let onTunnel: () throws -> Void
    let onFailed: (DialFailure) -> Void
    private var received: ByteBuffer?
    private var requested = false
    private var done = false
    private var timer: Scheduled<Void>?

    init(proxy: ProxyEndpoint, target: ServerURL, timeout: Double, onTunnel: @escaping () throws -> Void, onFailed: @escaping (DialFailure) -> Void) {
        self.proxy = proxy
        self.target = target
        self.timeout = timeout
        self.onTunnel = onTunnel
        self.onFailed = onFailed
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { request(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        request(context)
        context.fireChannelActive()
    }

    private func request(_ context: ChannelHandlerContext) {
        guard !requested else { return }
        requested = true
        let authority = ServerURL.authority(host: target.host, port: target.port)
        var text = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\nUser-Agent: tfdrift-tui\r\n"
        if let authorization = proxy.authorization { text += "Proxy-Authorization: \(authorization)\r\n" }
        text += "\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
        let seconds = Checked.clamped(timeout.rounded(), to: 0...86_400)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(timeout * 1000))) { [self] in
            fail(context, "the proxy \(proxy) did not answer CONNECT within \(seconds) s")
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var chunk = unwrapInboundIn(data)
        if received == nil { received = chunk } else { received!.writeBuffer(&chunk) }
        guard var buffer = received else { return }
        let view = buffer.readableBytesView
        guard let end = HTTPHead.end(of: view) else {
            if buffer.readableBytes > Self.maximumResponseBytes { fail(context, "the proxy \(proxy) sent an oversized answer to CONNECT") }
            return
        }
        let head = String(decoding: view[view.startIndex..<end], as: UTF8.self)
        buffer.moveReaderIndex(to: end + 4)
        let status = HTTPHead.status(head)
        guard let status, (200..<300).contains(status.code) else {
            fail(context, refusal(status), refused: status.map { [401, 403, 407].contains($0.code) } ?? false)
            return
        }
        done = true
        timer?.cancel()
        do {
            try onTunnel()
        } catch {
            onFailed(DialFailure(message: "cannot set up the connection through the proxy: \(Dialer.describe(error))"))
            context.close(promise: nil)
            return
        }
        // Whatever followed the proxy's answer already belongs to the server.
        if buffer.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffer)) }
        received = nil
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func refusal(_ status: (code: Int, reason: String)?) -> String {
        guard let status else { return "the proxy \(proxy) did not answer CONNECT with HTTP" }
        let said = "the proxy \(proxy) answered CONNECT \(target.host):\(target.port) with \(status.code) \(status.reason)"
        switch status.code {
        case 407 where proxy.hasCredentials:
            return said + ": it refused the proxy credentials; check the user and password in the proxy URL"
        case 407:
            return said + ": it wants credentials; give them in the proxy URL (http://user:password@host:port, percent-encoded)"
        case 403:
            return said + ": it does not allow this destination; ask its administrator, or bypass it with NO_PROXY"
        default:
            return said
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context, "the proxy \(proxy) closed the connection before the tunnel was open")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context, "the proxy \(proxy): \(Dialer.describe(error))")
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String, refused: Bool = false) {
        guard !done else { return }
        done = true
        timer?.cancel()
        onFailed(DialFailure(message: Sanitizer.clean(message, limit: 300), proxyRefused: refused))
        context.close(promise: nil)
    }
}

/// The bits of an HTTP response head both the WebSocket upgrade and the proxy tunnel read.
enum HTTPHead {
    /// Where `\r\n\r\n` starts, if the head is complete.
    static func end(of view: ByteBufferView) -> Int? {
        var i = view.startIndex
        let end = view.endIndex
        while i + 3 < end {
            if view[i] == 13, view[i + 1] == 10, view[i + 2] == 13, view[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// `HTTP/1.1 407 Proxy Authentication Required` → (407, "Proxy Authentication Required"), sanitised and short.
    static func status(_ head: String) -> (code: Int, reason: String)? {
        let line = head.split(separator: "\r\n", maxSplits: 1).first ?? ""
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), parts[1].count == 3, let code = Int(parts[1]), (100...599).contains(code) else { return nil }
        return (code, Sanitizer.clean(parts.count > 2 ? String(parts[2]) : "", limit: 60))
    }
}

/// The channels a client's dialers opened and that are still open. Shutting the event loop down while one of them
/// still runs its handlers lets them schedule work on a loop that is gone (NIO says so on stderr, and will trap):
/// `closeAll()` closes them and waits, and no dial starts after it.
final class ChannelTracker: Sendable {
    private let state = NIOLockedValueBox((closing: false, open: [ObjectIdentifier: Channel]()))

    var closing: Bool { state.withLockedValue { $0.closing } }

    func track(_ channel: Channel) {
        let admitted = state.withLockedValue { state in
            if !state.closing { state.open[ObjectIdentifier(channel)] = channel }
            return !state.closing
        }
        guard admitted else { return channel.close(promise: nil) }
        channel.closeFuture.whenComplete { [state] _ in
            state.withLockedValue { _ = $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    /// Closes every channel still open and waits until each has (at most `seconds`); no channel opens after.
    func closeAll(on loop: EventLoop, within seconds: Double) {
        let open = state.withLockedValue { state in
            state.closing = true
            return Array(state.open.values)
        }
        guard !open.isEmpty else { return }
        for channel in open { channel.close(promise: nil) }
        // Whichever comes first, all closed or the deadline, completes the wait, once.
        let done = loop.makePromise(of: Void.self)
        let answer = FirstAnswer()
        let finish: @Sendable () -> Void = { if answer.claim() { done.succeed(()) } }
        EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: loop).whenComplete { _ in finish() }
        let deadline = loop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { finish() }
        try? done.futureResult.wait()
        deadline.cancel()
    }
}

/// Of several racing answers (a result and a timeout), the first to claim wins; the others are dropped.
final class FirstAnswer: Sendable {
    private let taken = NIOLockedValueBox(false)

    /// True once: for the first caller.
    func claim() -> Bool {
        taken.withLockedValue { taken in
            defer { taken = true }
            return !taken
        }
    }
}
