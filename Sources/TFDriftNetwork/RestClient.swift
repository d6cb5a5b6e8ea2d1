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
    let group: EventLoopGroup
    let headers: [(String, String)]
    let tls: TLSOptions
    let timeout: Double
    let deliver: @Sendable (Action) -> Void
    /// A page of 250 drifts is well under this; a bigger body is refused before it is parsed.
    static let maximumBody = 4 * 1024 * 1024

    public init(
        group: EventLoopGroup, headers: [(String, String)] = [], tls: TLSOptions = TLSOptions(), timeout: Double = 10,
        deliver: @escaping @Sendable (Action) -> Void
    ) {
        self.group = group
        self.headers = headers
        self.tls = tls
        self.timeout = timeout
        self.deliver = deliver
    }

    /// GETs `request` from the server behind the WebSocket address `url`.
    public func fetch(_ request: RestRequest, webSocketURL text: String) {
        let deliver = self.deliver
        @Sendable func fail(_ status: Int?, _ message: String) {
            deliver(.restResponse(request, .failure(status: status, message: message), at: SystemClock.now()))
        }
        guard let url = try? ServerURL(parsing: text) else { return fail(nil, "invalid server address") }
        let sslContext: NIOSSLContext?
        do {
            sslContext = url.secure ? try tls.context() : nil
        } catch {
            return fail(nil, Sanitizer.clean(error.message, limit: 300))
        }
        let headers = self.headers
        let timeout = self.timeout
        ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: url.hostIsIPAddress ? nil : url.host))
                    }
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(NIOHTTPClientResponseAggregator(maxContentLength: RestClient.maximumBody))
                    try sync.addHandler(ResponseHandler(request: request, deliver: deliver))
                }
            }
            .connect(host: url.host, port: url.port)
            .whenComplete { result in
                switch result {
                case .failure(let error):
                    fail(nil, "cannot reach \(url.httpBase): \(WebSocketClient.describe(error))")
                case .success(let channel):
                    var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: request.path)
                    head.headers.add(name: "Host", value: url.hostHeader)
                    head.headers.add(name: "Accept", value: "application/json")
                    head.headers.add(name: "User-Agent", value: "tfdrift-tui")
                    head.headers.add(name: "Connection", value: "close")
                    for (name, value) in headers { head.headers.add(name: name, value: value) }
                    channel.write(HTTPClientRequestPart.head(head), promise: nil)
                    channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                    // A server that never answers must not leave a request hanging for ever.
                    let timer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
                        channel.close(promise: nil)
                    }
                    channel.closeFuture.whenComplete { _ in timer.cancel() }
                }
            }
    }
}

/// Turns one aggregated response into an action, whatever shape the error takes (JSON envelope, plain text,
/// empty 500); then closes the connection.
final class ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = NIOHTTPClientResponseFull

    let request: RestRequest
    let deliver: @Sendable (Action) -> Void
    private var answered = false

    init(request: RestRequest, deliver: @escaping @Sendable (Action) -> Void) {
        self.request = request
        self.deliver = deliver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let response = unwrapInboundIn(data)
        let status = Int(response.head.status.code)
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
        answer(.failure(status: nil, message: "connection closed before a response"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let message = error as? NIOHTTPObjectAggregatorError == .frameTooLong
            ? "response larger than \(RestClient.maximumBody / (1024 * 1024)) MiB" : WebSocketClient.describe(error)
        answer(.failure(status: nil, message: message))
        context.close(promise: nil)
    }

    /// Server text, made safe and short before it goes anywhere.
    private func clean(_ text: String) -> String { Sanitizer.clean(text, limit: 200) }

    private func answer(_ outcome: RestOutcome) {
        guard !answered else { return }
        answered = true
        deliver(.restResponse(request, outcome, at: SystemClock.now()))
    }
}
