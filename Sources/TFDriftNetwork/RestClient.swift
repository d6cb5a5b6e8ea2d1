import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TFDriftCore
import TFDriftWire

/// The REST side (snapshot, backfill, polling fallback): one short HTTP/1.1 GET per request, on the same
/// event loop, TLS settings and extra headers as the WebSocket, so `wss://` deployments need no second setup.
/// Results come back as `.restResponse` actions.
public final class RestClient: Sendable {
    let reach: Reach
    let logger: Logger?
    let deliver: @Sendable (Action) -> Void
    /// A page of 250 drifts is well under this; a bigger body is refused before it is parsed.
    static let maximumBody = 4 * 1024 * 1024

    init(reach: Reach, logger: Logger? = nil, deliver: @escaping @Sendable (Action) -> Void) {
        self.reach = reach
        self.logger = logger
        self.deliver = deliver
    }

    /// GETs `request` from the server behind the WebSocket address `url`.
    public func fetch(_ request: RestRequest, webSocketURL text: String) {
        let started = SystemClock.monotonic()
        let logger = self.logger
        let base = self.deliver
        let httpStatus = NIOLockedValueBox<Int?>(nil)
        // Every answer passes here once: the log gets the call with its status and latency.
        let deliver: @Sendable (Action) -> Void = { action in
            if let logger, case .restResponse(_, let outcome, _) = action {
                let milliseconds = Checked.clamped((SystemClock.monotonic() - started) * 1000, to: 0...86_400_000)
                let status = httpStatus.withLockedValue { $0 }.map(String.init) ?? "none"
                switch outcome {
                case .body:
                    logger.info("rest", metadata: ["path": "\(request.path)", "status": "\(status)", "ms": "\(milliseconds)"])
                case .failure(_, let message):
                    logger.warning("rest", metadata: ["path": "\(request.path)", "status": "\(status)", "ms": "\(milliseconds)", "error": "\(message)"])
                }
            }
            base(action)
        }
        @Sendable func fail(_ status: Int?, _ message: String) {
            deliver(.restResponse(request, .failure(status: status, message: message), at: SystemClock.now()))
        }
        guard let url = try? ServerURL(parsing: text) else { return fail(nil, "invalid server address") }
        let (dialer, headers) = reach.current
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: request.path)
        head.headers.add(name: "Host", value: url.hostHeader)
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "User-Agent", value: "tfdrift-tui")
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let requestHead = head
        let timeout = dialer.timeout
        dialer.open(url, upper: { channel in
            let sync = channel.pipeline.syncOperations
            try sync.addHTTPClientHandlers()
            try sync.addHandler(NIOHTTPClientResponseAggregator(maxContentLength: RestClient.maximumBody))
            try sync.addHandler(ResponseHandler(
                request: request, head: requestHead, timeout: timeout, status: httpStatus,
                diagnose: { then in dialer.diagnoseCertificate(url, then: then) }, deliver: deliver))
        }, failed: { failure in
            fail(nil, failure.message)
        })
    }
}

/// Turns one aggregated response into an action, whatever shape the error takes (JSON envelope, plain text,
/// empty 500); then closes the connection.
final class ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = NIOHTTPClientResponseFull
    typealias OutboundOut = HTTPClientRequestPart

    let request: RestRequest
    let head: HTTPRequestHead
    let timeout: Double
    /// Where the response's status is left for the log.
    let status: NIOLockedValueBox<Int?>
    /// After a certificate failed verification: what is wrong with it (`Dialer.diagnoseCertificate`).
    let diagnose: @Sendable (@escaping @Sendable (String?) -> Void) -> Void
    let deliver: @Sendable (Action) -> Void
    private var answered = false
    private var sent = false
    private var timer: Scheduled<Void>?

    init(
        request: RestRequest, head: HTTPRequestHead, timeout: Double, status: NIOLockedValueBox<Int?>,
        diagnose: @escaping @Sendable (@escaping @Sendable (String?) -> Void) -> Void, deliver: @escaping @Sendable (Action) -> Void
    ) {
        self.diagnose = diagnose
        self.status = status
        self.request = request
        self.head = head
        self.timeout = timeout
        self.deliver = deliver
    }

    /// Added after a proxy tunnel opened, the channel is already active.
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { send(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context)
        context.fireChannelActive()
    }

    private func send(_ context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        // A server that never answers (or drips its body) must not leave a request hanging for ever; answered
        // first, so the close that follows is not reported as a body cut short.
        let words = "timed out after " + ResponseHandler.duration(timeout)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(timeout * 1000))) { [self] in
            answer(.failure(status: nil, message: words))
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let response = unwrapInboundIn(data)
        let status = Int(response.head.status.code)
        self.status.withLockedValue { $0 = status }
        let body = response.body.map { Array($0.readableBytesView) } ?? []
        let outcome: RestOutcome
        if (200..<300).contains(status) {
            if let json = try? JSONParser.parse(body) {
                if json["success"] == .bool(false) {
                    outcome = .failure(status: status, message: clean(json["error"]?["message"]?.stringValue ?? "API request failed"))
                } else {
                    outcome = .body(json)
                }
            } else {
                outcome = .failure(status: status, message: "response is not JSON")
            }
        } else {
            let json = try? JSONParser.parse(body)
            let message = json?["error"]?["message"]?.stringValue ?? json?["message"]?.stringValue
                ?? String(decoding: body.prefix(120), as: UTF8.self).trimmingWhitespace
            outcome = .failure(status: status, message: message.isEmpty ? "HTTP \(status)" : clean(message))
        }
        answer(outcome)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        answer(.failure(status: nil, message: "connection closed before a response"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let message = error as? NIOHTTPObjectAggregatorError == .frameTooLong
            ? "response larger than \(RestClient.maximumBody / (1024 * 1024)) MiB" : Dialer.describe(error)
        if !answered, TLSFailure.reason(of: error) == "CERTIFICATE_VERIFY_FAILED" {
            // Say which certificate problem, as the WebSocket does.
            answered = true
            let (deliver, request) = (self.deliver, self.request)
            diagnose { advice in deliver(.restResponse(request, .failure(status: nil, message: advice ?? message), at: SystemClock.now())) }
        } else {
            answer(.failure(status: nil, message: message))
        }
        context.close(promise: nil)
    }

    /// `10 s`, or `250 ms` below a second.
    static func duration(_ seconds: Double) -> String {
        seconds >= 1 ? "\(Checked.clamped(seconds.rounded(), to: 1...86_400)) s" : "\(Checked.clamped((seconds * 1000).rounded(), to: 0...999)) ms"
    }

    /// Server text, made safe and short before it goes anywhere.
    private func clean(_ text: String) -> String { Sanitizer.clean(text, limit: 200) }

    private func answer(_ outcome: RestOutcome) {
        guard !answered else { return }
        answered = true
        deliver(.restResponse(request, outcome, at: SystemClock.now()))
    }
}
