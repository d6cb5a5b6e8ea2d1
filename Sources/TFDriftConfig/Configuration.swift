import TFDriftCore
import TFDriftWire
import Yams

/// Where a setting's value came from, for `tfdrift-tui config`.
public enum ConfigSource: Sendable, Equatable, CustomStringConvertible {
    case builtIn
    case file(path: String, line: Int?)
    case environment(String)
    case flag(String)

    public var description: String {
        switch self {
        case .builtIn: "default"
        case .file(let path, let line): line.map { "\(path):\($0)" } ?? path
        case .environment(let name): "environment \(name)"
        case .flag(let name): "flag --\(name)"
        }
    }
}

/// The effective settings: built-in defaults, then the configuration file, then `TFDRIFT_*` variables, then
/// flags, each overriding the one before. Whatever in the file or the environment is not understood is reported
/// (file, line, key) and left out, so the layer below stays in force; it is never silently accepted.
///
/// Hand-written on Yams rather than on swift-configuration: its YAML provider keeps no source positions, and
/// the file:line of every value is what `config` and every message here must show.
public struct Configuration: Sendable {
    public private(set) var values: [String: ConfigValue] = [:]
    public private(set) var sources: [String: ConfigSource] = [:]
    public private(set) var problems: [FileProblem] = []
    /// Why the file as a whole could not be read (YAML that does not parse, not a mapping): the program stops at
    /// start rather than run on defaults the user did not choose; on a live reload the running settings stay.
    public private(set) var unreadable: FileProblem?
    /// The file that was read, if any.
    public private(set) var filePath: String?
    /// The file's `servers:` list: several servers in one dashboard, each with its own address and credentials.
    public private(set) var servers: [ServerEntry] = []

    public func value(_ name: String) -> ConfigValue? { values[name] }

    /// The default file: `$XDG_CONFIG_HOME/tfdrift-tui/config.yaml` (or `~/.config/…`).
    public static func defaultFile(environment: [String: String]) -> String? {
        ConfigPaths.directory(environment: environment).map { $0 + "/config.yaml" }
    }

    /// - Parameters:
    ///   - file: the configuration file's path and text (nil: none, or `--no-config`).
    ///   - flags: what was given on the command line, already checked.
    public static func resolve(file: (path: String, text: String)?, environment: [String: String], flags: [String: ConfigValue]) -> Configuration {
        var config = Configuration()
        for key in ConfigKey.all {
            if let value = key.defaultValue { config.set(key.name, value, .builtIn) }
        }
        if let file {
            config.filePath = file.path
            config.read(file.text, path: file.path)
        }
        config.readEnvironment(environment)
        for (name, value) in flags where ConfigKey.named(name).map({ !$0.secret }) ?? false {
            config.set(name, value, .flag(name))
        }
        return config
    }

    /// The name among `names` a typo most likely meant: at most two edits away (one for short names), else nil.
    static func closest(to typed: String, among names: [String]) -> String? {
        let typed = Array(typed.lowercased().prefix(64))
        func distance(_ name: String) -> Int {
            let target = Array(name)
            var row = Array(0...target.count)
            for (i, a) in typed.enumerated() {
                var next = [i + 1]
                for (j, b) in target.enumerated() { next.append(min(row[j] + (a == b ? 0 : 1), row[j + 1] + 1, next[j] + 1)) }
                row = next
            }
            return row[target.count]
        }
        let best = names.map { (name: $0, distance: distance($0)) }.min { $0.distance < $1.distance }
        guard let best, best.distance > 0, best.distance <= (best.name.count <= 4 ? 1 : 2) else { return nil }
        return best.name
    }

    mutating func set(_ name: String, _ value: ConfigValue, _ source: ConfigSource) {
        values[name] = value
        sources[name] = source
    }

    mutating func read(_ text: String, path: String) {
        let document: YAMLDocument
        switch YAMLDocument.parse(text, path: path) {
        case .failure(let problem):
            problems.append(problem)
            unreadable = problem
            return
        case .success(let parsed): document = parsed
        }
        if document.root == nil { return }  // an empty file is a file with nothing set
        guard let entries = document.entries() else {
            let problem = document.problem(nil, nil, "expected a mapping of setting: value (url: ws://…)")
            problems.append(problem)
            unreadable = problem
            return
        }
        for entry in entries {
            if entry.key == "servers" {
                servers = readServers(entry.value, line: entry.line, document: document)
                continue
            }
            guard let key = ConfigKey.named(entry.key) else {
                let names = ConfigKey.all.map(\.name) + ["servers"]
                let guess = Configuration.closest(to: entry.key, among: names).map { "did you mean \($0)? " } ?? ""
                problems.append(document.problem(entry.line, entry.key, "unknown setting; \(guess)(known: \(names.joined(separator: ", ")))"))
                continue
            }
            if key.secret {
                problems.append(document.problem(entry.line, entry.key, "a secret does not belong in this file; put it in a file of its own (mode 600) and name that with token-file; ignored"))
                continue
            }
            let line = entry.value.mark?.line ?? entry.line
            switch Configuration.value(of: entry.value, for: key) {
            case .success(let value): set(key.name, value, .file(path: path, line: line))
            case .failure(let error): problems.append(document.problem(line, key.name, error.message + "; ignored"))
            }
        }
    }

    /// `servers:` — a list of mappings, each a `name`, a `url` and the per-server settings (`ServerEntry.keys`).
    /// An entry that cannot be used is reported with its line and left out; the others stay.
    mutating func readServers(_ node: Node, line: Int?, document: YAMLDocument) -> [ServerEntry] {
        guard case .sequence(let sequence) = node else {
            problems.append(document.problem(line, "servers", "expected a list of servers (- name: prod / url: wss://…); ignored"))
            return []
        }
        var result: [ServerEntry] = []
        for item in sequence {
            let itemLine = item.mark?.line ?? line
            guard let fields = document.entries(item) else {
                problems.append(document.problem(itemLine, "servers", "each server is a mapping with name and url; ignored"))
                continue
            }
            var entry = ServerEntry(name: "", line: itemLine)
            var usable = true
            for field in fields {
                let fieldLine = field.value.mark?.line ?? field.line
                if field.key == "name" {
                    let name = field.value.string?.trimmingBlanks ?? ""
                    if let why = ServerName.problem(name) {
                        problems.append(document.problem(fieldLine, "servers", why + "; server ignored"))
                        usable = false
                    }
                    entry.name = name
                    continue
                }
                guard ServerEntry.keys.contains(field.key), let key = ConfigKey.named(field.key) else {
                    problems.append(document.problem(
                        field.line, "servers", "\(Sanitizer.clean(field.key, limit: 40)) is not a per-server setting (known: name, \(ServerEntry.keys.joined(separator: ", "))); ignored"))
                    continue
                }
                switch Configuration.value(of: field.value, for: key) {
                case .success(let value):
                    entry.values[key.name] = value
                    entry.sources[key.name] = .file(path: document.path, line: fieldLine)
                case .failure(let error): problems.append(document.problem(fieldLine, "servers: \(key.name)", error.message + "; ignored"))
                }
            }
            if entry.values["url"] == nil {
                problems.append(document.problem(itemLine, "servers", "a server needs a url; ignored"))
                usable = false
            }
            if usable, !entry.name.isEmpty, result.contains(where: { $0.name == entry.name }) {
                problems.append(document.problem(itemLine, "servers", "two servers are named \(entry.name); the second is ignored"))
                usable = false
            }
            if usable { result.append(entry) }
        }
        return result
    }

    /// This configuration as server `entry` sees it: its own settings over the shared ones.
    public func forServer(_ entry: ServerEntry) -> Configuration {
        var config = self
        for (name, value) in entry.values { config.set(name, value, entry.sources[name] ?? .builtIn) }
        return config
    }

    /// The same with another address (a `--url` given on the command line).
    public func forURL(_ url: String, source: ConfigSource) -> Configuration {
        var config = self
        config.set("url", .string(url), source)
        return config
    }

    /// A YAML value for `key`: a scalar read as text, or a sequence of scalars for a list.
    static func value(of node: Node, for key: ConfigKey) -> Result<ConfigValue, ConfigKeyError> {
        switch node {
        case .scalar(let scalar):
            return key.value(fromText: scalar.string)
        case .sequence(let sequence):
            guard case .list = key.kind else { return .failure(ConfigKeyError("a list is not a valid value here")) }
            var items: [String] = []
            for item in sequence {
                guard let text = item.string else { return .failure(ConfigKeyError("list items must be plain values")) }
                items.append(text)
            }
            let value = ConfigValue.strings(items.map { $0.trimmingBlanks }.filter { !$0.isEmpty })
            if let why = key.check(value) { return .failure(ConfigKeyError(why)) }
            return .success(value)
        default:
            return .failure(ConfigKeyError("expected a plain value"))
        }
    }

    mutating func readEnvironment(_ environment: [String: String]) {
        let known = Dictionary(uniqueKeysWithValues: ConfigKey.all.map { ($0.environmentName, $0) })
        for (name, text) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("TFDRIFT_") {
            guard let key = known[name] else {
                problems.append(FileProblem(path: "environment", line: nil, key: name, message: "unknown setting; ignored"))
                continue
            }
            switch key.value(fromText: text) {
            case .success(let value): set(key.name, value, .environment(name))
            case .failure(let error): problems.append(FileProblem(path: "environment", line: nil, key: name, message: error.message + "; ignored"))
            }
        }
    }

    /// `tfdrift-tui config`: every setting, its value (credentials redacted) and where it came from, then the
    /// problems found.
    public func report() -> [String] {
        var lines: [String] = []
        let width = ConfigKey.all.map(\.name.count).max() ?? 10
        for key in ConfigKey.all {
            let shown: String
            switch values[key.name] {
            case nil: shown = "(not set)"
            case _? where key.secret: shown = Secrets.mask
            case .strings(let list)? where key.name == "header": shown = list.map(ConfigKey.redactedHeader).joined(separator: ", ")
            case .string(let text)? where key.name == "proxy": shown = ConfigKey.redactedURL(text)
            case let value?: shown = value.description
            }
            let padded = key.name + String(repeating: " ", count: max(0, width - key.name.count))
            let from = sources[key.name].map { "  (\($0))" } ?? ""
            lines.append(Sanitizer.clean("\(padded)  \(shown)\(from)", limit: 1000))
        }
        for server in servers {
            let url = server.values["url"]?.description ?? "?"
            let from = server.line.map { "  (\(filePath ?? "file"):\($0))" } ?? ""
            lines.append(Sanitizer.clean("server \(server.name.isEmpty ? "(unnamed)" : server.name)  \(url)\(from)", limit: 1000))
        }
        if !problems.isEmpty {
            lines.append("")
            lines.append("problems:")
            lines += problems.map { "  " + $0.description }
        }
        return lines
    }
}

/// One server of the configuration file's `servers:` list.
public struct ServerEntry: Sendable, Equatable {
    /// Settings a server may have of its own; the rest are shared by every server.
    public static let keys = ["url", "topics", "header", "provider", "token-file", "auth-scheme", "origin", "ca-file", "client-cert", "client-key", "insecure"]

    public var name: String
    public var values: [String: ConfigValue] = [:]
    public var sources: [String: ConfigSource] = [:]
    /// Where the entry starts in the file.
    public var line: Int?

    public init(name: String, line: Int? = nil) {
        self.name = name
        self.line = line
    }
}
