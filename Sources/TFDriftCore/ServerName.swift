/// A server's short name (`prod=wss://…`, `servers:` in the configuration): shown in a narrow column, the status
/// bar and `server:` filters, so it is short and plain.
public enum ServerName {
    public static let maximumLength = 16

    /// Why `name` cannot name a server; nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "a server name cannot be empty" }
        if name.count > maximumLength { return "server name \"\(Sanitizer.clean(name, limit: 40))\" is longer than \(maximumLength) characters" }
        return name.unicodeScalars.allSatisfy(isNameCharacter) ? nil : "server name \"\(Sanitizer.clean(name, limit: 40))\" may hold only letters, digits, - _ ."
    }

    /// A name for a server that has none: the host of its address, shortened.
    public static func fallback(forURL url: String) -> String {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // scheme://host[:port]/… splits into "scheme:", "", "host[:port]", …
        let rest = parts.count >= 3 && parts[0].hasSuffix(":") ? parts[2] : Substring(url)
        let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" }
        let cleaned = String(String.UnicodeScalarView(host.unicodeScalars.filter { isNameCharacter($0) && $0 != "_" }))
        return cleaned.isEmpty ? "server" : String(cleaned.prefix(maximumLength))
    }

    /// What a name may hold: ASCII letters and digits, `-`, `_` and `.`.
    static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == ".")
    }
}
