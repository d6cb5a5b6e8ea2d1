/// A `ws://` or `wss://` address, parsed without Foundation.
public struct ServerURL: Sendable, Equatable, CustomStringConvertible {
    public var secure: Bool
    public var host: String
    public var port: Int
    /// Path and query, e.g. `/ws`.
    public var path: String

    public init(secure: Bool, host: String, port: Int, path: String) {
        self.secure = secure
        self.host = host
        self.port = port
        self.path = path
    }

    public init(parsing text: String) throws(ServerURLError) {
        var rest = Substring(text)
        if rest.hasPrefix("ws://") {
            secure = false
            rest = rest.dropFirst(5)
        } else if rest.hasPrefix("wss://") {
            secure = true
            rest = rest.dropFirst(6)
        } else {
            let fix = ServerURL.suggestion(for: text).map { ": try \($0)" } ?? ""
            throw ServerURLError(text: text, reason: "the address must start with ws:// or wss://\(fix)")
        }
        let authority: Substring
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            authority = rest[..<slash]
            let p = String(rest[slash...])
            path = p.hasPrefix("?") ? "/" + p : p
        } else {
            authority = rest
            path = "/"
        }
        guard !authority.contains("@") else {
            throw ServerURLError(text: text, reason: "credentials in the address are not supported")
        }
        var hostPart = authority
        var portPart: Substring? = nil
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw ServerURLError(text: text, reason: "unterminated IPv6 address")
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty {
                throw ServerURLError(text: text, reason: "unexpected text after the IPv6 address")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw ServerURLError(text: text, reason: "no host name") }
        host = String(hostPart)
        if let portPart {
            guard let p = Int(portPart), (1...65535).contains(p) else {
                throw ServerURLError(text: text, reason: "port must be a number from 1 to 65535")
            }
            port = p
        } else {
            port = secure ? 443 : 80
        }
    }

    /// The address to use for a common mistake: `http://` and `https://` (the web UI's or the REST API's
    /// address) become `ws://` and `wss://`, an address without a scheme gets `ws://`, and either gets TFDrift-Falco's
    /// WebSocket path `/ws` when it names no path. nil when the text is not one of those.
    public static func suggestion(for text: String) -> String? {
        let trimmed = text.trimmingPrefix(while: { $0 == " " })
        var scheme = "ws://"
        var rest = Substring(trimmed)
        if rest.lowercased().hasPrefix("http://") {
            rest = rest.dropFirst(7)
        } else if rest.lowercased().hasPrefix("https://") {
            scheme = "wss://"
            rest = rest.dropFirst(8)
        } else if rest.contains("://") || rest.isEmpty || rest.contains(" ") {
            return nil
        }
        if !rest.contains("/") { rest += "/ws" } else if rest.hasSuffix("/"), rest.filter({ $0 == "/" }).count == 1 { rest += "ws" }
        guard let fixed = try? ServerURL(parsing: scheme + rest) else { return nil }
        return fixed.description
    }

    /// The address with TFDrift-Falco's WebSocket path, for an upgrade answered 404 on another path.
    public var withWebSocketPath: ServerURL { ServerURL(secure: secure, host: host, port: port, path: "/ws") }

    /// `host:port` as a URL or an HTTP header writes it: an IPv6 address in brackets. The one place that knows.
    public static func authority(host: String, port: Int) -> String {
        "\(bracketed(host)):\(port)"
    }

    /// An IPv6 address in brackets, a name or an IPv4 address as it is.
    public static func bracketed(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// The `Host` header value.
    public var hostHeader: String {
        (secure && port == 443) || (!secure && port == 80) ? ServerURL.bracketed(host) : ServerURL.authority(host: host, port: port)
    }

    /// The matching REST base, e.g. `http://host:8080`.
    public var httpBase: String { "\(secure ? "https" : "http")://\(hostHeader)" }

    public var description: String { "\(secure ? "wss" : "ws")://\(hostHeader)\(path)" }

    /// Whether the host is a literal IP address (no SNI for those).
    public var hostIsIPAddress: Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
    }
}

public struct ServerURLError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "invalid server address \"\(text)\": \(reason)" }
}
