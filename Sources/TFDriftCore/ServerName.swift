/// A server's short name (`prod=wss://…`, `servers:` in the configuration): shown in a narrow column, the status
/// bar and `server:` filters, so it is short and plain.
public enum ServerName {
    public static let maximumLength = 16

    /// Why `name` cannot name a server; nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "a server name cannot be empty" }
        if name.count > maximumLength { return "server name \"\(Sanitizer.clean(name, limit: 40))\" is longer than \(maximumLength) characters" }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == ".")
        }
        return allowed ? nil : "server name \"\(Sanitizer.clean(name, limit: 40))\" may hold only letters, digits, - _ ."
    }

    /// A name for a server that has none: the host of its address, shortened.
    public static func fallback(forURL url: String) -> String {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // scheme://host[:port]/… splits into "scheme:", "", "host[:port]", …
        let rest = parts.count >= 3 && parts[0].hasSuffix(":") ? parts[2] : Substring(url)
        let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" }
        let cleaned = String(host.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".") })
        return cleaned.isEmpty ? "server" : String(cleaned.prefix(maximumLength))
    }
}
