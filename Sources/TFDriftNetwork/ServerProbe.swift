#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import TFDriftCore
import TFDriftWire

/// `doctor`'s look at one server, step by step, each on the same path the dashboard takes (its proxy, TLS
/// settings and headers): the name, TCP, the certificate, the upgrade, `/health` and the REST API. Each step says
/// what it saw and, when it went wrong, the fix; a step that cannot run because an earlier one failed is skipped.
public struct ServerProbe {
    let options: WebSocketClient.Options
    /// How the token was given (never its value), or nil without one.
    let credential: String?

    public init(options: WebSocketClient.Options, credential: String?) {
        self.options = options
        self.credential = credential
    }

    public func checks(url text: String) -> [DoctorCheck] {
        let url: ServerURL
        do {
            url = try ServerURL(parsing: text)
        } catch {
            return [.bad("the address \(text): \(error.reason)", fix: "give --url ws://host:8080/ws (wss:// for TLS)")]
        }
        var checks: [DoctorCheck] = []
        let proxy = options.proxy.endpoint(for: url)
        checks.append(.good(proxy.map { "through the proxy \($0)" } ?? "direct (no proxy applies to \(url.host))"))
        // Through a proxy, the proxy resolves the server's name: only the proxy's own has to resolve here.
        let (host, port) = proxy.map { ($0.host, $0.port) } ?? (url.host, url.port)
        switch ServerProbe.resolve(host) {
        case .success(let addresses):
            checks.append(.good("\(host) resolves to \(addresses.prefix(3).joined(separator: ", "))"))
        case .failure(let why):
            checks.append(.bad("\(host) does not resolve: \(why.message)", fix: "check the host name, or this machine's DNS (/etc/resolv.conf)"))
            return checks
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        if let why = tcp(host: host, port: port, group: group) {
            checks.append(.bad("TCP to \(host):\(port): \(why)", fix: proxy == nil ? "is the server running and the port open from here?" : "is the proxy running?"))
            return checks
        }
        checks.append(.good("TCP to \(host):\(port) connects"))
        if url.secure {
            let tls = certificate(url, group: group)
            checks.append(tls)
            if tls.verdict == .bad {
                checks.append(.note("the WebSocket, /health and the REST API were not tried: each needs TLS to work first"))
                return checks
            }
        }
        let (upgrade, refusal) = self.upgrade(text)
        checks.append(upgrade)
        if refusal == 401 || refusal == 403 {
            checks.append(.bad(credential.map { "the server refused the credential (\($0))" } ?? "the server wants a credential and none is set",
                               fix: "give the token with --token-file FILE or TFDRIFT_TOKEN"))
        } else {
            checks.append(.good(credential.map { "credential: \($0) (its value is never shown)" } ?? "no credential set (the server asked for none)"))
        }
        checks.append(health(text))
        checks.append(restAPI(text))
        return checks
    }

    /// The host's addresses, as the system's resolver gives them.
    static func resolve(_ host: String) -> Result<[String], ProbeFailure> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else { return .failure(ProbeFailure(message: String(cString: gai_strerror(status)))) }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry, addresses.count < 8 {
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(address) { addresses.append(address) }
            }
            entry = current.pointee.ai_next
        }
        return .success(addresses)
    }

    /// nil when a TCP connection opens within the timeout; else why not.
    func tcp(host: String, port: Int, group: EventLoopGroup) -> String? {
        let bootstrap = ClientBootstrap(group: group).connectTimeout(.milliseconds(Int64(options.connectTimeout * 1000)))
        do {
            let channel = try bootstrap.connect(host: host, port: port).wait()
            try? channel.close().wait()
            return nil
        } catch {
            return Dialer.describe(error)
        }
    }

    /// The certificate the server presents (looked at, not trusted: a handshake aborted before anything is sent),
    /// and whether it is trusted, which the upgrade then shows for real.
    func certificate(_ url: ServerURL, group: EventLoopGroup) -> DoctorCheck {
        let dialer = Dialer(group: group, tls: options.tls, proxy: options.proxy, timeout: options.connectTimeout)
        let seen = NIOLockedValueBox<Result<[CertificateDiagnosis.Facts], DialFailure>?>(nil)
        let done = DispatchSemaphore(value: 0)
        dialer.presentedChain(url, within: options.connectTimeout + options.handshakeTimeout) { result in
            seen.withLockedValue { $0 = result }
            done.signal()
        }
        done.wait()
        switch seen.withLockedValue({ $0 }) {
        case .none:
            return .bad("TLS: no certificate within \(Int(options.connectTimeout + options.handshakeTimeout)) s", fix: "is this a TLS port? use ws:// for a plain one")
        case .failure(let why):
            return .bad("TLS: \(why.message)", fix: "check --ca-file, --client-cert and --client-key")
        case .success(let chain):
            guard let leaf = chain.first else { return .bad("TLS: the server presented no certificate", fix: "check the server's TLS setup") }
            let now = Checked.clamped(SystemClock.now(), to: 0...Int(Int32.max) * 8)
            let named = "TLS certificate \"\(leaf.subject)\" issued by \"\(leaf.issuer)\""
            // Whether the chain is trusted is what the dashboard's own handshake decides.
            if let rejection = trustProblem(url, group: group) {
                let advice = CertificateDiagnosis.advice(chain: chain, now: now, trustedSubjects: CertificateDiagnosis.subjects(inCAFile: options.tls.caFile))
                    ?? rejection
                // The advice reads `what: fix`.
                let colon = advice.firstRange(of: ": ")
                let what = colon.map { String(advice[..<$0.lowerBound]) } ?? advice
                let fix = colon.map { String(advice[$0.upperBound...]) } ?? "trust the server's CA with --ca-file, or use --insecure for a test only"
                return .bad("\(named): \(what)", fix: fix)
            }
            let days = (leaf.notAfter - now) / 86_400
            let expiry = "valid until \(Timestamp.format(Double(leaf.notAfter)))" + (days < 14 ? " (in \(days) day\(days == 1 ? "" : "s"): renew soon)" : "")
            return .good("\(named), \(expiry), trusted")
        }
    }

    /// nil when a TLS handshake as the dashboard makes it succeeds; else why not.
    func trustProblem(_ url: ServerURL, group: EventLoopGroup) -> String? {
        let dialer = Dialer(group: group, tls: options.tls, proxy: options.proxy, timeout: options.connectTimeout)
        let outcome = NIOLockedValueBox<String??>(nil)
        let done = DispatchSemaphore(value: 0)
        dialer.open(url, upper: { channel in
            // The handshake finishes before the first read; a channel that becomes active and stays is trusted.
            try channel.pipeline.syncOperations.addHandler(HandshakeWatcher { result in
                outcome.withLockedValue { if $0 == nil { $0 = .some(result) } }
                done.signal()
            })
        }, failed: { failure in
            outcome.withLockedValue { if $0 == nil { $0 = .some(failure.message) } }
            done.signal()
        })
        _ = done.wait(timeout: .now() + options.connectTimeout + options.handshakeTimeout)
        return outcome.withLockedValue { $0 } ?? "no TLS handshake within \(Int(options.connectTimeout + options.handshakeTimeout)) s"
    }

    /// The WebSocket upgrade as the dashboard makes it; a refusal's HTTP status comes back for the credential check.
    func upgrade(_ url: String) -> (DoctorCheck, Int?) {
        let result = NIOLockedValueBox<Disconnection??>(nil)
        let done = DispatchSemaphore(value: 0)
        let client = WebSocketClient(options: options) { action in
            switch action {
            case .connectionOpened: result.withLockedValue { if $0 == nil { $0 = .some(nil) } }
            case .connectionClosed(_, let why, _, _): result.withLockedValue { if $0 == nil { $0 = .some(why) } }
            default: return
            }
            done.signal()
        }
        defer { client.shutdown() }
        client.connect(generation: 1, url: url)
        _ = done.wait(timeout: .now() + options.connectTimeout + options.handshakeTimeout + 1)
        switch result.withLockedValue({ $0 }) {
        case .none:
            return (.bad("WebSocket upgrade: no answer", fix: "check the URL's path (TFDriftFalco serves /ws)"), nil)
        case .some(.none):
            client.disconnect(generation: 1)
            return (.good("WebSocket upgrade at \(url): 101, the link opens"), nil)
        case .some(.some(let why)):
            let fix = why.certificateRejected ? "trust the server's CA with --ca-file, or use --insecure for a test only"
                : why.httpStatus == 404 ? "TFDrift-Falco serves the WebSocket at /ws: try ws://host:port/ws"
                : why.httpStatus == 401 || why.httpStatus == 403 ? "give the token with --token-file FILE or TFDRIFT_TOKEN"
                : why.httpStatus == 500 ? "the real server answers 500 while it starts or is overloaded: retry, and check its log"
                : "check the server and the route to it"
            return (.bad("WebSocket upgrade: \(why.message)", fix: fix), why.httpStatus)
        }
    }

    /// One REST call as the dashboard makes it, waited for; nil when no answer came in time.
    public func fetch(_ request: RestRequest, url: String) -> RestOutcome? {
        let outcome = NIOLockedValueBox<RestOutcome?>(nil)
        let done = DispatchSemaphore(value: 0)
        let client = WebSocketClient(options: options) { action in
            guard case .restResponse(_, let result, _) = action else { return }
            outcome.withLockedValue { $0 = result }
            done.signal()
        }
        defer { client.shutdown() }
        client.rest.fetch(request, webSocketURL: url)
        _ = done.wait(timeout: .now() + options.connectTimeout + options.handshakeTimeout + 1)
        return outcome.withLockedValue { $0 }
    }

    /// `/health` and the readiness checks it reports (the same reading the status bar makes).
    func health(_ url: String) -> DoctorCheck {
        switch fetch(.health, url: url) {
        case .none:
            return .bad("/health: no answer", fix: "check the server")
        case .failure(let status, _) where status == 404:
            return .note("/health: 404, so readiness is unknown (a server older than its readiness checks)")
        case .failure(let status, let message):
            return .bad("/health: \(status.map { "HTTP \($0): " } ?? "")\(message)", fix: "check the server and the route to it")
        case .body(let body):
            let data = body["data"] ?? body
            let status = data["status"]?.stringValue.map { Sanitizer.clean($0, limit: 40) } ?? "(no status)"
            let checks = (data["checks"]?.objectValue?.pairs ?? []).prefix(16).map {
                ReadinessCheck(name: Sanitizer.clean($0.key, limit: 40), value: Sanitizer.clean($0.value.stringValue ?? $0.value.jsonText, limit: 60))
            }
            let words = checks.isEmpty ? "" : " (\(ReadinessCheck.words(checks)))"
            if status == "degraded" || checks.contains(where: { !$0.ok }) {
                return .bad("/health: \(status)\(words): the server is up but blind", fix: "fix the failing check on the server (falco disconnected: check its Falco gRPC output)")
            }
            return .good("/health: \(status)\(words)")
        }
    }

    /// The REST API the dashboard reads history, stats and context from.
    func restAPI(_ url: String) -> DoctorCheck {
        switch fetch(.stats, url: url) {
        case .none:
            return .bad("REST /api/v1/stats: no answer", fix: "check the server")
        case .body:
            return .good("REST API answers (/api/v1/stats)")
        case .failure(let status, let message):
            let fix = status == 404 ? "the server has no REST API: the dashboard stays live-only (or --no-rest)" : "check the server and the route to it"
            return .bad("REST /api/v1/stats: \(status.map { "HTTP \($0): " } ?? "")\(message)", fix: fix)
        }
    }
}

/// Why a probe step failed, in words.
struct ProbeFailure: Error {
    let message: String
}

/// Reports how a TLS handshake ended: nil when it completed, else the error in words. Closes the channel either way.
final class HandshakeWatcher: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let report: (String?) -> Void
    private var reported = false

    init(report: @escaping (String?) -> Void) {
        self.report = report
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { finish(context, nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        finish(context, Dialer.describe(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context, "the server closed the connection during the TLS handshake")
    }

    private func finish(_ context: ChannelHandlerContext, _ result: String?) {
        guard !reported else { return }
        reported = true
        report(result)
        context.close(promise: nil)
    }
}
