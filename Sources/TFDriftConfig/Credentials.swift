#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TFDriftCore
import TFDriftWire

/// The token a server or its proxy wants, from a file (`token-file`) or `TFDRIFT_TOKEN` — never from a flag, so
/// it is not in `ps` or shell history — and how it is sent. Every value found is registered with `Secrets`.
public struct Credentials: Sendable {
    /// The header carrying the token, if any.
    public var header: (name: String, value: String)?
    /// Which credential was sent, for messages: scheme and source, never the value.
    public var description: String?
    /// Warnings (a token file others can read) to show like configuration problems.
    public var warnings: [FileProblem] = []

    /// The token's header, or why none can be sent (an unreadable or empty token file stops the program).
    public static func resolve(_ config: Configuration) -> Result<Credentials, FileProblem> {
        var credentials = Credentials()
        let scheme = config.value("auth-scheme")?.string ?? "bearer"
        var token: String?
        var source = ""
        if let path = config.value("token-file")?.string {
            switch TextFile.contents(of: path) {
            case .failure(let problem): return .failure(problem)
            case .success(let text):
                let trimmed = text.trimmingWhitespace
                guard !trimmed.isEmpty else { return .failure(FileProblem(path: path, line: nil, key: "token-file", message: "the token file is empty")) }
                guard !trimmed.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else {
                    return .failure(FileProblem(path: path, line: nil, key: "token-file", message: "the token file holds more than one line"))
                }
                token = trimmed
                source = "token file \(path)"
                if let mode = Credentials.mode(of: path), mode & 0o077 != 0 {
                    let octal = String(mode & 0o777, radix: 8)
                    credentials.warnings.append(FileProblem(
                        path: path, line: nil, key: "token-file",
                        message: "readable by others (mode \(octal)); run chmod 600 \(path)"))
                }
            }
        } else if let value = config.value("token")?.string, !value.isEmpty {
            token = value.trimmingWhitespace
            source = "TFDRIFT_TOKEN"
        }
        if let token {
            Secrets.register(token)
            credentials.header = scheme == "x-api-key" ? ("X-API-Key", token) : ("Authorization", "Bearer \(token)")
            credentials.description = (scheme == "x-api-key" ? "X-API-Key token" : "Bearer token") + " from \(source)"
        }
        // Credential headers given with --header are secrets too.
        for header in config.value("header")?.strings ?? [] {
            if let (name, value) = ConfigKey.headerPair(header), ConfigKey.isCredential(headerName: name) {
                Secrets.register(value)
                if value.hasPrefix("Bearer ") { Secrets.register(String(value.dropFirst(7))) }
                if credentials.description == nil { credentials.description = "the \(name) header from --header" }
            }
        }
        return .success(credentials)
    }

    static func mode(of path: String) -> UInt32? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt32(info.st_mode)
    }
}
