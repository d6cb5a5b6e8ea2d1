import NIOSSL
import TFDriftCore

/// How `wss://` and `https://` are trusted: the system's roots, plus a private CA (`--ca-file`); a client
/// certificate for mutual TLS; or, only when asked for, no verification at all (`--insecure`). The WebSocket and
/// every REST call use the same settings.
public struct TLSOptions: Sendable, Equatable {
    public var caFile: String?
    public var clientCertificate: String?
    public var clientKey: String?
    public var insecure: Bool

    public init(caFile: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecure = insecure
    }

    /// One TLS context for these settings; a file that cannot be read is an error that names it.
    public func context() throws(TLSSetupError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            if let caFile {
                configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
            }
            if let clientCertificate {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificate).map { .certificate($0) }
            }
            if let clientKey {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKey, format: .pem))
            }
        } catch {
            throw TLSSetupError(message: "cannot read \(caFile ?? clientCertificate ?? clientKey ?? "a TLS file") as PEM")
        }
        if insecure { configuration.certificateVerification = .none }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError(message: "TLS setup failed: \(TLSFailure.reason(of: error))")
        }
    }
}

public struct TLSSetupError: Error, Sendable {
    public var message: String
}

/// A failed TLS handshake in words a user can act on, not a library dump with a build path.
enum TLSFailure {
    /// The verification failure's advice; nil when `error` is not a certificate that failed verification.
    static func certificateProblem(_ error: Error) -> String? {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "the server's certificate is issued for another host name than the one in --url: check the host name "
                + "(a certificate for an IP address needs that IP in its subjectAltName), or use --insecure for a test"
        }
        guard reason(of: error) == "CERTIFICATE_VERIFY_FAILED" else { return nil }
        return "the server's certificate could not be verified (a private CA this machine does not trust, self-signed, "
            + "expired, or issued for another host name): give its CA with --ca-file, check the host name in --url, "
            + "or use --insecure for a test"
    }

    /// Any other TLS failure in words, nil when `error` is not a TLS error. The reason code stays at the end,
    /// for a search; the library's file and line never appear.
    static func handshakeProblem(_ error: Error) -> String? {
        guard error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError else { return nil }
        let code = reason(of: error)
        let words: String
        switch code {
        case "TLSV1_ALERT_CERTIFICATE_REQUIRED":
            words = "the server wants a client certificate: give --client-cert and --client-key"
        case "TLSV1_ALERT_UNKNOWN_CA", "SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_DECRYPT_ERROR":
            words = "the server refused the client certificate: check --client-cert and --client-key"
        case "WRONG_VERSION_NUMBER":
            words = "the server does not speak TLS on this port: use ws:// instead of wss://, or check the port"
        default:
            words = "the TLS handshake failed"
        }
        return "\(words) (\(code))"
    }

    /// BoringSSL's reason code (`CERTIFICATE_VERIFY_FAILED`, `WRONG_VERSION_NUMBER`…) out of its error text.
    static func reason(of error: Error) -> String {
        let text = "\(error)"
        if let range = text.firstRange(of: "OPENSSL_internal:") {
            let rest = text[range.upperBound...]
            let code = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !code.isEmpty { return String(code) }
        }
        if let ssl = error as? NIOSSLError {
            switch ssl {
            case .uncleanShutdown: return "the server closed the TLS connection without a close_notify"
            default: break
            }
        }
        return Sanitizer.clean(text.split(separator: "(").first.map(String.init) ?? text, limit: 80)
    }
}
