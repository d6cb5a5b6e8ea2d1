import TFDriftCore
import TFDriftWire

/// One line of a recording per action that reached the store from outside it, as JSON. Messages keep their
/// bytes (`text`, or `base64` when they are not UTF-8), so a replay decodes them again exactly as the live run
/// did; everything else is the action's data. Keys are not recorded (the person replaying drives the screen);
/// topic and filter changes are, as what they changed.
public enum RecordingCodec {
    public static let formatVersion = 1
    public static let program = BuildInfo.line

    /// The first line of every recording file: enough to start a replay from the same state as the live run
    /// (settings, topics, filters). The URL never carries credentials (`ServerURL` refuses them); the
    /// credential is named by its source only, as everywhere.
    public static func header(_ state: State, startedAt: Double) -> JSONValue {
        // The top-level settings and topics are the first server's; `servers` lists each when there are several.
        let s = state.servers[0].settings
        var settings: [(key: String, value: JSONValue)] = [
            ("history_limit", int(s.historyLimit)), ("backoff_base", .number(s.backoff.base)), ("backoff_factor", .number(s.backoff.factor)),
            ("backoff_cap", .number(s.backoff.cap)), ("welcome_timeout", .number(s.welcomeTimeout)), ("healthy_after", .number(s.healthyAfter)),
            ("ping_interval", .number(s.pingInterval)), ("watchdog", .number(s.watchdog)), ("outbox_limit", int(s.outboxLimit)),
            ("rest", .bool(s.restEnabled)), ("poll_interval", .number(s.pollInterval)), ("stats_interval", .number(s.statsInterval)),
            ("maximum_retry_after", .number(s.maximumRetryAfter)), ("history_on_start", int(s.historyOnStart)),
            ("state_interval", .number(s.stateInterval)), ("tls_unverified", .bool(s.tlsUnverified)),
        ]
        if let maxRetries = s.maxRetries { settings.append(("max_retries", int(maxRetries))) }
        if let provider = s.provider { settings.append(("provider", .string(provider))) }
        if let credential = s.credential { settings.append(("credential", .string(credential))) }
        let filters = Pane.allCases.compactMap { pane in state.ui.filters[pane].map { (key: pane.rawValue, value: JSONValue.string($0.text)) } }
        var pairs: [(key: String, value: JSONValue)] = [
            ("tfdrift_recording", .number(Double(formatVersion))), ("program", .string(program)), ("url", .string(s.url)),
            ("dialect", .null), ("started", .string(Timestamp.format(startedAt))), ("started_at", .number(startedAt)),
            ("topics", .array(state.servers[0].desiredTopics.sorted().map { .string($0.rawValue) })), ("filters", .object(JSONObject(filters))),
            ("settings", .object(JSONObject(settings))),
        ]
        if state.isMultiServer {
            // Every server's name, address and topics; the lines of one server carry its index as "s".
            pairs.append(("servers", .array(state.servers.map { server in
                .object(JSONObject([
                    ("name", .string(server.name)), ("url", .string(server.settings.url)),
                    ("topics", .array(server.desiredTopics.sorted().map { .string($0.rawValue) })),
                ]))
            })))
        }
        return .object(JSONObject(pairs))
    }

    /// Servers a recording may name; more is not a recording this program made.
    public static let maximumServers = 64

    /// The state a replay starts from, out of a header; the reason when it is not one this version reads.
    public static func initialState(header: JSONValue) -> Result<State, RecordingError> {
        guard let version = header["tfdrift_recording"]?.numberValue else { return .failure(RecordingError("not a tfdrift-tui recording (no header)")) }
        guard version == Double(formatVersion) else {
            return .failure(RecordingError("recording format \(Sanitizer.clean(JSONValue.number(version).jsonText, limit: 20)), this program reads \(formatVersion)"))
        }
        guard let url = header["url"]?.stringValue.map({ Sanitizer.clean($0, limit: 300) }) else {
            return .failure(RecordingError("the header has no url"))
        }
        let json = header["settings"] ?? .null
        // A recording is a file from outside: every number is range-checked as the configuration's are.
        func seconds(_ key: String, _ fallback: Double, _ range: ClosedRange<Double> = 0.001...86_400) -> Double {
            json[key]?.numberValue.flatMap { $0.isFinite ? Checked.clamped($0, to: range) : nil } ?? fallback
        }
        func count(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            json[key]?.numberValue.flatMap(Checked.count).map { min(max($0, range.lowerBound), range.upperBound) } ?? fallback
        }
        func text(_ key: String) -> String? { json[key]?.stringValue.map { Sanitizer.clean($0, limit: 200) } }
        let defaults = Settings(url: url)
        var settings = Settings(
            url: url, historyLimit: count("history_limit", defaults.historyLimit, 1...10_000_000),
            backoff: BackoffPolicy(
                base: seconds("backoff_base", 1), factor: seconds("backoff_factor", 2, 1...10), cap: seconds("backoff_cap", 30)),
            maxRetries: json["max_retries"]?.numberValue.flatMap(Checked.count).map { min($0, 1_000_000) },
            welcomeTimeout: seconds("welcome_timeout", defaults.welcomeTimeout), healthyAfter: seconds("healthy_after", defaults.healthyAfter),
            pingInterval: seconds("ping_interval", defaults.pingInterval), watchdog: seconds("watchdog", defaults.watchdog),
            outboxLimit: count("outbox_limit", defaults.outboxLimit, 1...100_000), provider: text("provider"),
            restEnabled: json["rest"] != .bool(false), pollInterval: seconds("poll_interval", defaults.pollInterval),
            statsInterval: seconds("stats_interval", defaults.statsInterval),
            maximumRetryAfter: seconds("maximum_retry_after", defaults.maximumRetryAfter, 0...86_400),
            historyOnStart: count("history_on_start", 0, 0...100_000))
        settings.stateInterval = seconds("state_interval", defaults.stateInterval)
        settings.tlsUnverified = json["tls_unverified"] == .bool(true)
        settings.credential = text("credential")
        func topics(_ json: JSONValue?) -> Set<Topic> { Set((json?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Topic.init(rawValue:)) }) }
        var state = State(settings: settings, topics: topics(header["topics"]))
        if let list = header["servers"]?.arrayValue, !list.isEmpty {
            guard list.count <= maximumServers else { return .failure(RecordingError("the header names \(list.count) servers (at most \(maximumServers))")) }
            state = State(servers: list.map { entry in
                var each = settings
                each.url = entry["url"]?.stringValue.map { Sanitizer.clean($0, limit: 300) } ?? url
                let name = entry["name"]?.stringValue.map { Sanitizer.clean($0, limit: ServerName.maximumLength) } ?? ""
                return ServerState(name: name, settings: each, topics: topics(entry["topics"]))
            })
        }
        for (key, value) in header["filters"]?.objectValue?.pairs ?? [] {
            if let pane = Pane(rawValue: key), let text = value.stringValue { state.ui.filters[pane] = Filter(text) }
        }
        return .success(state)
    }

    /// nil for what is not recorded (keys, mouse, resizes: the replay's own screen decides those).
    public static func encode(_ action: Action, at t: Double) -> JSONValue? {
        var server: Int?
        var action = action
        while case .server(let index, let inner) = action {
            server = index
            action = inner
        }
        guard case .object(let object)? = encodeUnaddressed(action, at: t) else { return nil }
        guard let server else { return .object(object) }
        return .object(JSONObject(object.pairs + [(key: "s", value: int(server))]))
    }

    static func encodeUnaddressed(_ action: Action, at t: Double) -> JSONValue? {
        var pairs: [(key: String, value: JSONValue)] = [("t", .number(t))]
        func add(_ kind: String, _ rest: [(String, JSONValue)]) -> JSONValue {
            pairs.append(("k", .string(kind)))
            pairs += rest.map { (key: $0.0, value: $0.1) }
            return .object(JSONObject(pairs))
        }
        switch action {
        case .started(let at): return add("started", [("at", .number(at))])
        case .tick(let at): return add("tick", [("at", .number(at))])
        case .connectionOpened(let g, let at): return add("open", [("g", int(g)), ("at", .number(at))])
        case .connectionClosed(let g, let d, let at, let jitter):
            var fields: [(String, JSONValue)] = [("g", int(g)), ("at", .number(at)), ("jitter", .number(jitter)), ("message", .string(d.message))]
            if let status = d.httpStatus { fields.append(("status", int(status))) }
            if let retryAfter = d.retryAfter { fields.append(("retry_after", .number(retryAfter))) }
            if d.certificateRejected { fields.append(("certificate", .bool(true))) }
            if d.proxyRefused { fields.append(("proxy", .bool(true))) }
            return add("close", fields)
        case .frameReceived(let g, let bytes, let at):
            if let text = String(validating: bytes, as: UTF8.self) {
                return add("frame", [("g", int(g)), ("at", .number(at)), ("text", .string(text))])
            }
            return add("frame", [("g", int(g)), ("at", .number(at)), ("base64", .string(String(decoding: Base64.encode(bytes), as: UTF8.self)))])
        case .received(let g, let items, let at):
            // Decoded items only come without a frame for control frames (pings): liveness, nothing else.
            guard items.isEmpty else { return nil }
            return add("alive", [("g", int(g)), ("at", .number(at))])
        case .sendFailed(let g, let message, let reason):
            return add("send_failed", [("g", int(g)), ("message", message.json), ("reason", .string(reason))])
        case .retryDue(let g): return add("retry_due", [("g", int(g))])
        case .welcomeTimedOut(let g): return add("welcome_timeout", [("g", int(g))])
        case .pollDue: return add("poll_due", [])
        case .restResponse(let request, let outcome, let at):
            var fields: [(String, JSONValue)] = [("at", .number(at)), ("request", encode(request))]
            switch outcome {
            case .body(let body): fields.append(("body", body))
            case .failure(let status, let message):
                if let status { fields.append(("status", int(status))) }
                fields.append(("error", .string(message)))
            }
            return add("rest", fields)
        case .configurationProblems(let problems): return add("config_problems", [("problems", .array(problems.map { .string($0) }))])
        case .command, .key, .resized, .exported, .copiedToTmux, .settingsReloaded, .replayProgress, .server:
            return nil
        }
    }

    /// What a user's topic or filter change did to the state, as a line; nil when neither changed.
    public static func changes(from before: State, to after: State, at t: Double) -> [JSONValue] {
        var lines: [JSONValue] = []
        for index in after.servers.indices where before.servers.indices.contains(index) {
            let topics = after.servers[index].desiredTopics
            guard before.servers[index].desiredTopics != topics else { continue }
            var pairs: [(key: String, value: JSONValue)] = [
                ("t", .number(t)), ("k", .string("topics")), ("subscribed", .array(topics.sorted().map { .string($0.rawValue) })),
            ]
            if after.isMultiServer { pairs.append(("s", int(index))) }
            lines.append(.object(JSONObject(pairs)))
        }
        for pane in Pane.allCases where before.ui.filters[pane]?.text != after.ui.filters[pane]?.text {
            lines.append(.object(JSONObject([
                ("t", .number(t)), ("k", .string("filter")), ("pane", .string(pane.rawValue)), ("text", .string(after.ui.filters[pane]?.text ?? "")),
            ])))
        }
        return lines
    }

    /// A recorded line back into actions (a topic change can be several); the reason when it cannot be read.
    public static func decode(_ line: JSONValue) -> Result<(t: Double, actions: [Action]), RecordingError> {
        guard let t = line["t"]?.numberValue, t.isFinite else { return .failure(RecordingError("no time \"t\"")) }
        guard let kind = line["k"]?.stringValue else { return .failure(RecordingError("no kind \"k\"")) }
        let at = line["at"]?.numberValue ?? t
        guard at.isFinite else { return .failure(RecordingError("time \"at\" is not a number")) }
        func generation() throws(RecordingError) -> Int {
            guard let g = line["g"]?.numberValue, let value = Checked.integer(g), value >= 0 else { throw RecordingError("no generation \"g\"") }
            return value
        }
        do throws(RecordingError) {
            let actions: [Action]
            switch kind {
            case "started": actions = [.started(at: at)]
            case "tick": actions = [.tick(at: at)]
            case "open": actions = [.connectionOpened(generation: try generation(), at: at)]
            case "close":
                var d = Disconnection(line["message"]?.stringValue ?? "")
                d.httpStatus = line["status"]?.numberValue.flatMap(Checked.integer)
                d.retryAfter = line["retry_after"]?.numberValue
                d.certificateRejected = line["certificate"] == .bool(true)
                d.proxyRefused = line["proxy"] == .bool(true)
                let jitter = line["jitter"]?.numberValue ?? 0
                actions = [.connectionClosed(generation: try generation(), d, at: at, jitter: (0..<1).contains(jitter) ? jitter : 0)]
            case "frame":
                let bytes: [UInt8]
                if let text = line["text"]?.stringValue {
                    bytes = Array(text.utf8)
                } else if let encoded = line["base64"]?.stringValue, let decoded = Base64.decode(Array(encoded.utf8)) {
                    bytes = decoded
                } else {
                    throw RecordingError("a frame without \"text\" or valid \"base64\"")
                }
                actions = [.frameReceived(generation: try generation(), bytes: bytes, at: at)]
            case "alive": actions = [.received(generation: try generation(), items: [], at: at)]
            case "send_failed":
                guard let message = line["message"].flatMap(ClientMessage.init(json:)) else { throw RecordingError("send_failed without a message") }
                actions = [.sendFailed(generation: try generation(), message: message, reason: line["reason"]?.stringValue ?? "")]
            case "retry_due": actions = [.retryDue(generation: try generation())]
            case "welcome_timeout": actions = [.welcomeTimedOut(generation: try generation())]
            case "poll_due": actions = [.pollDue]
            case "rest":
                guard let request = line["request"].flatMap(decodeRequest) else { throw RecordingError("rest without a known request") }
                if let why = request.implausible { throw RecordingError("a REST answer to \(why)") }
                if let body = line["body"] {
                    actions = [.restResponse(request, .body(body), at: at)]
                } else {
                    let status = line["status"]?.numberValue.flatMap(Checked.integer)
                    actions = [.restResponse(request, .failure(status: status, message: line["error"]?.stringValue ?? ""), at: at)]
                }
            case "config_problems":
                actions = [.configurationProblems((line["problems"]?.arrayValue ?? []).compactMap(\.stringValue))]
            case "topics":
                let wanted = Set((line["subscribed"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Topic.init(rawValue:)) })
                // Setting a topic to what it is changes nothing, so every topic is stated.
                actions = Topic.allCases.map { .command(.setTopic($0, subscribed: wanted.contains($0))) }
            case "filter":
                guard let pane = line["pane"]?.stringValue.flatMap(Pane.init(rawValue:)) else { throw RecordingError("filter without a pane") }
                actions = [.command(.focus(pane)), .command(.setFilter(line["text"]?.stringValue ?? ""))]
            default:
                throw RecordingError("unknown kind \"\(Sanitizer.clean(kind, limit: 30))\"")
            }
            guard let s = line["s"] else { return .success((t, actions)) }
            guard let server = s.numberValue.flatMap(Checked.integer), (0..<maximumServers).contains(server) else {
                throw RecordingError("server \"s\" is not an index")
            }
            return .success((t, actions.map { .server(server, $0) }))
        } catch {
            return .failure(error)
        }
    }

    static func int(_ value: Int) -> JSONValue { .number(Double(value)) }

    static func encode(_ request: RestRequest) -> JSONValue {
        switch request {
        case .health: ["name": "health"]
        case .stats: ["name": "stats"]
        case .terraformState: ["name": "terraform_state"]
        case .drifts(let page, let limit): ["name": "drifts", "page": int(page), "limit": int(limit)]
        case .history(let page, let limit, let from, let total):
            ["name": "history", "page": int(page), "limit": int(limit), "from": int(from), "total": int(total)]
        case .driftContext(let id): ["name": "drift_context", "id": .string(id)]
        case .declaredResource(let id): ["name": "declared_resource", "id": .string(id)]
        case .graphImpact(let id, let depth): ["name": "graph_impact", "id": .string(id), "depth": int(depth)]
        case .graphDependents(let id): ["name": "graph_dependents", "id": .string(id)]
        }
    }

    static func decodeRequest(_ json: JSONValue) -> RestRequest? {
        func number(_ key: String) -> Int? { json[key]?.numberValue.flatMap(Checked.integer) }
        switch json["name"]?.stringValue {
        case "health": return .health
        case "stats": return .stats
        case "terraform_state": return .terraformState
        case "drifts": return number("page").flatMap { page in number("limit").map { .drifts(page: page, limit: $0) } }
        case "history":
            guard let page = number("page"), let limit = number("limit"), let from = number("from"), let total = number("total") else { return nil }
            return .history(page: page, limit: limit, from: from, total: total)
        case "drift_context": return json["id"]?.stringValue.map { .driftContext(resourceID: $0) }
        case "declared_resource": return json["id"]?.stringValue.map { .declaredResource(resourceID: $0) }
        case "graph_impact":
            guard let id = json["id"]?.stringValue, let depth = number("depth") else { return nil }
            return .graphImpact(resourceID: id, depth: depth)
        case "graph_dependents": return json["id"]?.stringValue.map { .graphDependents(resourceID: $0) }
        default: return nil
        }
    }
}

public struct RecordingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension ClientMessage {
    /// The message a recording holds (its wire JSON) back into a value.
    init?(json: JSONValue) {
        switch json["type"]?.stringValue {
        case "subscribe": guard let topic = json["topic"]?.stringValue else { return nil }; self = .subscribe(topic)
        case "unsubscribe": guard let topic = json["topic"]?.stringValue else { return nil }; self = .unsubscribe(topic)
        case "ping": self = .ping
        case "query": self = .query(json["payload"] ?? .null)
        case "filter": self = .filter(provider: json["provider"]?.stringValue ?? "")
        default: return nil
        }
    }
}
