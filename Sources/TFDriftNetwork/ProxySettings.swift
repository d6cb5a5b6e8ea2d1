import TFDriftCore
import TFDriftWire

/// An HTTP proxy reached with CONNECT: `http://[user:password@]host[:port]`. The credentials are a secret: they
/// are registered with `Secrets` when parsed and never part of `description`.
public struct ProxyEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// `user:password`, sent as `Proxy-Authorization: Basic …`.
    var credentials: String?

    public var hasCredentials: Bool { credentials != nil }

    /// `http://host:port`, never the credentials.
    public var description: String { "http://" + ServerURL.authority(host: host, port: port) }

    /// The `Proxy-Authorization` value, when the URL carried credentials.
    var authorization: String? { credentials.map { "Basic " + String(decoding: Base64.encode(Array($0.utf8)), as: UTF8.self) } }

    public static func parse(_ text: String) throws(ProxyError) -> ProxyEndpoint {
        var rest = Substring(text.trimmingWhitespace)
        if let scheme = rest.firstRange(of: "://") {
            let name = rest[..<scheme.lowerBound].lowercased()
            guard name == "http" else {
                throw ProxyError(name == "https"
                    ? "a TLS connection to the proxy itself (https://) is not supported; give its http:// address"
                    : "\(Sanitizer.clean(name, limit: 20)):// proxies are not supported; give an http:// proxy")
            }
            rest = rest[scheme.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else { throw ProxyError("a proxy address has no path") }
            rest = rest[..<slash]
        }
        var credentials: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let decoded = PercentDecoding.decode(userInfo) else { throw ProxyError("the proxy's user name or password is not valid percent-encoding") }
            credentials = decoded.contains(":") ? decoded : decoded + ":"
            if let colon = decoded.firstIndex(of: ":") { Secrets.register(String(decoded[decoded.index(after: colon)...])) }
            Secrets.register(String(userInfo))
        }
        // Parsed as the host part of a ws:// address, so IPv6 literals and ports follow the same rules.
        let address: ServerURL
        do {
            address = try ServerURL(parsing: "ws://" + rest)
        } catch {
            throw ProxyError("not a proxy address (\(error.reason))")
        }
        // No port: 1080, as curl assumes.
        let hasPort = rest.hasPrefix("[") ? rest.contains("]:") : rest.contains(":")
        var endpoint = ProxyEndpoint(host: address.host, port: hasPort ? address.port : 1080)
        endpoint.credentials = credentials
        if let authorization = endpoint.authorization { Secrets.register(String(authorization.dropFirst("Basic ".count))) }
        return endpoint
    }
}

public struct ProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Which proxy, if any, a connection goes through: `--proxy` (or the `proxy` setting) for every address, otherwise
/// `https_proxy`/`HTTPS_PROXY` for wss:// and `http_proxy`/`HTTP_PROXY` for ws:// (then `all_proxy`), and never
/// for a host `no_proxy`/`NO_PROXY` names, as curl reads them. Loopback is not bypassed unless `NO_PROXY` says so.
public struct ProxySettings: Sendable, Equatable {
    public var secure: ProxyEndpoint?
    public var plain: ProxyEndpoint?
    public var bypass: [String] = []
    /// Where each proxy came from, for messages (`HTTPS_PROXY`, `--proxy`).
    public var sources: [String] = []

    public static let direct = ProxySettings()

    public init(secure: ProxyEndpoint? = nil, plain: ProxyEndpoint? = nil, bypass: [String] = []) {
        self.secure = secure
        self.plain = plain
        self.bypass = bypass
    }

    /// - Parameters:
    ///   - explicit: `--proxy` or the `proxy` setting; `none` (or empty) means no proxy at all.
    ///   - explicitSource: where `explicit` came from, for messages.
    public static func resolve(explicit: String?, explicitSource: String = "--proxy", environment: [String: String]) throws(ProxyError) -> ProxySettings {
        func variable(_ name: String) -> (String, String)? {
            for candidate in [name.lowercased(), name.uppercased()] {
                if let value = environment[candidate]?.trimmingWhitespace, !value.isEmpty { return (candidate, value) }
            }
            return nil
        }
        func parse(_ value: (String, String)?) throws(ProxyError) -> ProxyEndpoint? {
            guard let (name, text) = value else { return nil }
            do { return try ProxyEndpoint.parse(text) } catch { throw ProxyError("\(name): \(error.message)") }
        }
        var settings = ProxySettings()
        settings.bypass = (variable("no_proxy")?.1 ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() }
        if let explicit = explicit?.trimmingWhitespace {
            if explicit.isEmpty || explicit == "none" { return ProxySettings(bypass: settings.bypass) }
            let endpoint = try parse((explicitSource, explicit))
            settings.secure = endpoint
            settings.plain = endpoint
            settings.sources = [explicitSource]
            return settings
        }
        let all = variable("all_proxy")
        let https = variable("https_proxy") ?? all
        let http = variable("http_proxy") ?? all
        settings.secure = try parse(https)
        settings.plain = try parse(http)
        settings.sources = [https?.0, http?.0].compactMap { $0 }
        return settings
    }

    /// The proxy for `url`, nil for a direct connection.
    public func endpoint(for url: ServerURL) -> ProxyEndpoint? {
        guard let proxy = url.secure ? secure : plain else { return nil }
        return bypasses(host: url.host, port: url.port) ? nil : proxy
    }

    /// curl's `NO_PROXY`: `*` for every host; `example.com` and `.example.com` for that domain and its subdomains;
    /// an IP address or an IPv4 CIDR block; any of these with `:port` for that port only.
    public func bypasses(host: String, port: Int) -> Bool {
        let host = host.lowercased()
        for entry in bypass {
            if entry == "*" { return true }
            var pattern = Substring(entry)
            if let colon = pattern.lastIndex(of: ":"), !pattern.hasSuffix("]"), pattern.filter({ $0 == ":" }).count == 1 {
                guard Int(pattern[pattern.index(after: colon)...]) == port else { continue }
                pattern = pattern[..<colon]
            }
            if pattern.hasPrefix("[") && pattern.hasSuffix("]") { pattern = pattern.dropFirst().dropLast() }
            if pattern.hasPrefix(".") { pattern = pattern.dropFirst() }
            if pattern.isEmpty { continue }
            if host == pattern || host.hasSuffix("." + pattern) { return true }
            if let slash = pattern.firstIndex(of: "/"), let block = IPv4.parse(pattern[..<slash]),
               let bits = Int(pattern[pattern.index(after: slash)...]), (0...32).contains(bits), let address = IPv4.parse(Substring(host)) {
                let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
                if address & mask == block & mask { return true }
            }
        }
        return false
    }
}

enum IPv4 {
    static func parse(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard part.count <= 3, let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }
}

enum PercentDecoding {
    /// `%41` → `A`; nil for a broken escape or bytes that are not UTF-8.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next().flatMap(hexValue), let low = utf8.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
