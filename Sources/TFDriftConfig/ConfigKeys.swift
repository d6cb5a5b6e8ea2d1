import TFDriftCore
import TFDriftWire

/// A setting's value, whatever layer it came from.
public enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case seconds(Double)
    case bool(Bool)
    case strings([String])

    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let n): String(n)
        case .seconds(let s): ConfigValue.secondsText(s)
        case .bool(let b): b ? "true" : "false"
        case .strings(let list): list.joined(separator: ", ")
        }
    }

    static func secondsText(_ s: Double) -> String {
        let whole = Checked.integer(s)
        return whole.map { "\($0)s" } ?? "\(s)s"
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var int: Int? { if case .int(let n) = self { n } else { nil } }
    public var seconds: Double? { if case .seconds(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var strings: [String]? { if case .strings(let l) = self { l } else { nil } }
}

/// One setting: named like its flag (`history-on-start`), read from the file under that name and from
/// `TFDRIFT_HISTORY_ON_START`, checked the same way wherever it came from.
public struct ConfigKey: Sendable {
    public enum Kind: Sendable {
        case string
        /// A whole number in the range.
        case int(ClosedRange<Int>)
        /// Seconds, written `90`, `90s`, `2m`, `1h` or `1.5`; in the range.
        case seconds(ClosedRange<Double>)
        case bool
        /// A comma-separated text or a YAML list.
        case list
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: ConfigValue?
    /// Extra checks on a value of the right kind; returns why it is wrong.
    public var check: @Sendable (ConfigValue) -> String?
    public var help: String
    /// A credential: read only from the environment (never a flag, never the file), shown as `<redacted>`.
    public var secret = false

    public var environmentName: String { "TFDRIFT_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 }) }

    init(_ name: String, _ kind: Kind, _ defaultValue: ConfigValue?, _ help: String, check: @escaping @Sendable (ConfigValue) -> String? = { _ in nil }) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.check = check
    }

    /// Reads a value given as text (environment, flags, a YAML scalar); nil with a reason when it is not one.
    public func value(fromText raw: String) -> Result<ConfigValue, ConfigKeyError> {
        let text = raw.trimmingBlanks
        let value: ConfigValue
        switch kind {
        case .string:
            value = .string(text)
        case .int(let range):
            guard let n = Int(text), range.contains(n) else { return .failure(ConfigKeyError("expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(Sanitizer.clean(text, limit: 40))\"")) }
            value = .int(n)
        case .seconds(let range):
            guard let s = ConfigKey.seconds(text), range.contains(s) else {
                return .failure(ConfigKeyError("expected a duration from \(ConfigValue.secondsText(range.lowerBound)) to \(ConfigValue.secondsText(range.upperBound)) (90, 90s, 2m, 1h), got \"\(Sanitizer.clean(text, limit: 40))\""))
            }
            value = .seconds(s)
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "on", "1": value = .bool(true)
            case "false", "no", "off", "0": value = .bool(false)
            default: return .failure(ConfigKeyError("expected true or false, got \"\(Sanitizer.clean(text, limit: 40))\""))
            }
        case .list:
            value = .strings(text.split(separator: ",").map { $0.trimmingBlanks }.filter { !$0.isEmpty })
        }
        if let why = check(value) { return .failure(ConfigKeyError(why)) }
        return .success(value)
    }

    /// `90`, `90s`, `1.5m`, `2h`: seconds, finite and not negative.
    public static func seconds(_ text: String) -> Double? {
        var number = Substring(text.lowercased())
        var unit = 1.0
        if let last = number.last, "smh".contains(last) {
            unit = last == "s" ? 1 : last == "m" ? 60 : 3600
            number = number.dropLast()
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        return value * unit
    }
}

public struct ConfigKeyError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}

extension ConfigKey {
    /// Every setting the file, the environment and the flags share, in the order `config` prints them.
    public static let all: [ConfigKey] = [
        ConfigKey("url", .string, .string("ws://localhost:8080/ws"), "WebSocket address of the server (ws:// or wss://)") { value in
            guard let text = value.string else { return nil }
            do { _ = try ServerURL(parsing: text) } catch { return "\(error)" }
            return nil
        },
        ConfigKey("topics", .list, .strings(["drifts", "events", "state", "stats"]), "topics subscribed at start") { value in
            for name in value.strings ?? [] where Topic(rawValue: name.lowercased()) == nil {
                return "unknown topic \"\(Sanitizer.clean(name, limit: 30))\"; choose from \(Topic.allCases.map(\.rawValue).joined(separator: ", "))"
            }
            return nil
        },
        ConfigKey("header", .list, .strings([]), "extra request headers, 'Name: value'") { value in
            for header in value.strings ?? [] where ConfigKey.headerPair(header) == nil {
                return "not a 'Name: value' header: \"\(Sanitizer.clean(ConfigKey.redactedHeader(header), limit: 60))\""
            }
            return nil
        },
        ConfigKey("ca-file", .string, nil, "PEM file of the CA(s) to trust for wss:// and https:// besides the system's"),
        ConfigKey("client-cert", .string, nil, "PEM client certificate for mutual TLS"),
        ConfigKey("client-key", .string, nil, "PEM private key of the client certificate"),
        ConfigKey("insecure", .bool, .bool(false), "do not verify the server's certificate (marked on screen)"),
        ConfigKey("proxy", .string, nil, "HTTP proxy for ws:// and wss:// (CONNECT), http://[user:password@]host:port; none: no proxy (default: HTTPS_PROXY/HTTP_PROXY, NO_PROXY)"),
        ConfigKey("token-file", .string, nil, "file holding the token sent on the upgrade and every REST call"),
        ConfigKey("auth-scheme", .string, .string("bearer"), "how the token is sent: bearer (Authorization: Bearer) or x-api-key") { value in
            ["bearer", "x-api-key"].contains(value.string ?? "") ? nil : "expected bearer or x-api-key"
        },
        {
            var token = ConfigKey("token", .string, nil, "the token itself; only from the environment (TFDRIFT_TOKEN)")
            token.secret = true
            return token
        }(),
        ConfigKey("origin", .string, nil, "an Origin header for servers that check it, e.g. http://localhost") { value in
            guard let text = value.string else { return nil }
            return text.hasPrefix("http://") || text.hasPrefix("https://") ? nil : "expected an http:// or https:// origin"
        },
        ConfigKey("log-file", .string, nil, "append a JSON-lines log here (connection changes, problems, REST calls; secrets redacted)"),
        ConfigKey("provider", .string, nil, "provider filter re-sent after every (re)connect") { value in
            (value.string?.utf8.count ?? 0) > 200 ? "too long for the server's 512-byte message limit" : nil
        },
        ConfigKey("history", .int(1...10_000_000), .int(10_000), "items kept per pane"),
        ConfigKey("history-on-start", .int(0...100_000), .int(500), "drifts loaded from /api/v1/drifts at start"),
        ConfigKey("max-retries", .int(0...1_000_000), nil, "stop reconnecting after this many failed attempts"),
        ConfigKey("watchdog", .seconds(1...86_400), .seconds(65), "silence before the link is declared dead"),
        ConfigKey("health-interval", .seconds(1...3_600), .seconds(30), "how often the server's readiness (/health) is read"),
        ConfigKey("backoff-max", .seconds(0.01...86_400), .seconds(30), "longest wait between reconnect attempts"),
        ConfigKey("max-retry-after", .seconds(0...86_400), .seconds(3600), "longest Retry-After honoured"),
        ConfigKey("no-rest", .bool, .bool(false), "WebSocket only: no REST backfill, stats or polling"),
        ConfigKey("filter", .string, nil, "show only what matches (the / grammar)") { value in
            guard let text = value.string, let bad = Filter(text).invalidTerms.first else { return nil }
            return "'\(Sanitizer.clean(bad.text, limit: 40))': \(bad.problem ?? "not understood")"
        },
        ConfigKey("theme", .string, .string("default"), "theme name or path to a theme file"),
        ConfigKey("colors", .string, nil, "colour depth: 16, 256 or truecolor (default: what the terminal says)") { value in
            ["16", "256", "truecolor"].contains(value.string ?? "") ? nil : "expected 16, 256 or truecolor"
        },
        ConfigKey("no-color", .bool, .bool(false), "attributes only (also when NO_COLOR is set)"),
        ConfigKey("mouse", .bool, .bool(false), "click, double click and wheel"),
        ConfigKey("fps", .int(1...120), .int(30), "most frames drawn per second"),
        ConfigKey("kiosk", .bool, .bool(false), "war-room mode"),
        ConfigKey("kiosk-cycle", .seconds(0...3600), .seconds(15), "kiosk: the highlighted pane changes this often (0 stays)"),
        ConfigKey("stale-after", .seconds(5...86_400), .seconds(90), "kiosk: silence before DATA STALE"),
        ConfigKey("alert", .string, .string("none"), "kiosk: on a new critical drift: bell, flash or none") { value in
            ["bell", "flash", "none"].contains(value.string ?? "") ? nil : "expected bell, flash or none"
        },
        ConfigKey("no-title", .bool, .bool(false), "do not set the terminal title"),
    ]

    public static func named(_ name: String) -> ConfigKey? { all.first { $0.name == name } }

    /// `Name: value`, or nil when it is not a header a request could carry.
    public static func headerPair(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = text[..<colon].trimmingBlanks
        let value = text[text.index(after: colon)...].trimmingBlanks
        guard !name.isEmpty, !name.contains(" "), !(name + value).contains(where: { $0 == "\r" || $0 == "\n" }) else { return nil }
        return (name, value)
    }

    /// Header names that carry credentials: their values never appear in output.
    public static func isCredential(headerName: String) -> Bool {
        let name = headerName.lowercased()
        return name == "authorization" || name == "proxy-authorization" || name == "cookie" || name.hasSuffix("-key") || name.hasSuffix("-token")
            || name.hasSuffix("-secret")
    }

    /// A URL with its `user:password@` part hidden.
    public static func redactedURL(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        let start = text.firstRange(of: "://")?.upperBound ?? text.startIndex
        guard start <= at else { return text }
        return String(text[..<start]) + Secrets.mask + String(text[at...])
    }

    /// `Authorization: <redacted>` for a credential header, the header as it is otherwise.
    public static func redactedHeader(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":") else { return text }
        let name = text[..<colon].trimmingBlanks
        return isCredential(headerName: name) ? "\(name): <redacted>" : text
    }
}
