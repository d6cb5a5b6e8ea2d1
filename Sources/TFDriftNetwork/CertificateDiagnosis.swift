import NIOSSL
import TFDriftCore
import TFDriftWire

/// Why a certificate failed verification, in words. BoringSSL reports every such failure as one code
/// (CERTIFICATE_VERIFY_FAILED), so after one the client looks at the chain the server presents (a second
/// handshake that is aborted before anything is sent) and tells expired, not yet valid, self-signed and unknown
/// CA apart, which need different fixes.
public enum CertificateDiagnosis {
    /// What matters of one certificate.
    public struct Facts: Sendable, Equatable {
        public var subject: String
        public var issuer: String
        public var notBefore: Int
        public var notAfter: Int

        public init(subject: String, issuer: String, notBefore: Int, notAfter: Int) {
            self.subject = subject
            self.issuer = issuer
            self.notBefore = notBefore
            self.notAfter = notAfter
        }

        init(_ certificate: NIOSSLCertificate) {
            subject = Facts.name(certificate.subjectName)
            issuer = Facts.name(certificate.issuerName)
            notBefore = Int(certificate.notValidBefore)
            notAfter = Int(certificate.notValidAfter)
        }

        /// The common name, else the whole name, cleaned: it is the server's text.
        static func name(_ parts: [SSLCertificateName]) -> String {
            let text = parts.first { $0.type == .commonName }?.value ?? parts.map(\.value).joined(separator: ", ")
            return Sanitizer.clean(text.isEmpty ? "(no name)" : text, limit: 60)
        }
    }

    /// The advice for a chain (leaf first) that failed verification at `now`; `trustedSubjects` are the names of
    /// the `--ca-file` certificates. nil when the chain shows nothing specific.
    public static func advice(chain: [Facts], now: Int, trustedSubjects: [String]) -> String? {
        guard let leaf = chain.first else { return nil }
        for certificate in chain {
            let which = certificate == leaf ? "the server's certificate" : "the intermediate certificate \"\(certificate.subject)\""
            if now > certificate.notAfter {
                return "\(which) expired on \(Timestamp.format(Double(certificate.notAfter))): it must be renewed on the server "
                    + "(or use --insecure for a test)"
            }
            if now < certificate.notBefore {
                return "\(which) is not valid until \(Timestamp.format(Double(certificate.notBefore))): check this machine's clock "
                    + "(now \(Timestamp.format(Double(now)))) and the certificate"
            }
        }
        let top = chain.last ?? leaf
        if chain.count == 1, leaf.subject == leaf.issuer {
            return "the server's certificate \"\(leaf.subject)\" is self-signed: trust it with --ca-file <that certificate's PEM>, "
                + "or use --insecure for a test"
        }
        if !trustedSubjects.contains(top.issuer) {
            return "the server's certificate is issued by \"\(top.issuer)\", a CA this machine does not trust: give that CA's PEM "
                + "with --ca-file"
        }
        return nil
    }

    /// The names of the certificates in a `--ca-file`, for `advice`.
    static func subjects(inCAFile path: String?) -> [String] {
        guard let path, let certificates = try? NIOSSLCertificate.fromPEMFile(path) else { return [] }
        return certificates.map { Facts.name($0.subjectName) }
    }
}
