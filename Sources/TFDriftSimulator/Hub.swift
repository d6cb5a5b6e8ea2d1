#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1
import NIOWebSocket
import TFDriftWire

/// One connected WebSocket client.
final class ClientSession {
    let channel: Channel
    let clientID: String
    var subscriptions: Set<String> = []
    var pending: [String] = []
    var lastPongAt: NIODeadline
    var lastPingAt: NIODeadline
    var dropped = 0
    var hostileStarted = false

    init(channel: Channel, clientID: String, now: NIODeadline) {
        self.channel = channel
        self.clientID = clientID
        self.lastPongAt = now
        self.lastPingAt = now
    }
}

/// A drift as the simulator stores it for `GET /api/v1/drifts`: which template, which sequence number.
struct StoredDrift {
    var template: Int32
    var seq: Int
}

/// The simulator's shared state. Confined to its one event loop: every method runs there.
final class Hub: @unchecked Sendable {
    let loop: EventLoop
    let options: SimulatorOptions
    let catalog: Catalog
    var faults = SimulatorFaults()
    var rng: SplitMix64
    var clients: [ObjectIdentifier: ClientSession] = [:]
    /// Per-event sequence number, embedded in resource ids. Starts at a random point so that a restarted
    /// server (which forgets everything, like the real one) does not repeat the previous incarnation's ids.
    var seq = Int.random(in: 0..<(1 << 40))
    /// Every client message received, in order (bounded), so tests can check what arrived and how often.
    var receivedLog: [String] = []
    var accumulator = 0.0
    var lastTick = NIODeadline.now()
    var drifts: [StoredDrift] = []
    var severityCounts: [String: Int] = [:]
    var resourceTypeCounts: [String: Int] = [:]
    var unmanagedTotal = 0
    var eventsGenerated = 0
    var stalled: [EventLoopPromise<HTTPHeaders?>] = []
    var lastStatsAt = NIODeadline.now()
    let hostile: HostileRunner?
    private var tickTask: RepeatedTask?
    private var housekeepingTask: RepeatedTask?
    private var restartTask: RepeatedTask?
    private var falcoTask: RepeatedTask?
    /// Restarts made by `restartEvery`.
    var restarts = 0

    static let maximumStoredDrifts = 5_000_000

    init(loop: EventLoop, options: SimulatorOptions) {
        self.loop = loop
        self.options = options
        self.catalog = Catalog(seed: options.seed)
        self.rng = SplitMix64(seed: options.seed ^ 0xA5A5_A5A5)
        self.hostile = options.hostileRounds.map { HostileRunner(seed: options.seed, rounds: $0, scale: options.hostileScale, kinds: options.hostileKinds) }
    }

    func start() {
        loop.preconditionInEventLoop()
        lastTick = .now()
        tickTask = loop.scheduleRepeatedTask(initialDelay: .milliseconds(10), delay: .milliseconds(10)) { [self] _ in
            tick()
        }
        housekeepingTask = loop.scheduleRepeatedTask(initialDelay: .milliseconds(250), delay: .milliseconds(250)) { [self] _ in
            housekeeping()
        }
        if let every = options.falcoFlapEvery, every > 0 {
            // Falco's subscription drops and comes back on a schedule: `/health` says so, the link stays up.
            let period = TimeAmount.nanoseconds(Int64(min(every, 86_400) * 1e9))
            falcoTask = loop.scheduleRepeatedTask(initialDelay: period, delay: period) { [self] _ in
                faults.falcoDisconnected.toggle()
            }
        }
        if let every = options.restartEvery, every > 0 {
            let period = TimeAmount.nanoseconds(Int64(min(every, 86_400) * 1e9))
            restartTask = loop.scheduleRepeatedTask(initialDelay: period, delay: period) { [self] _ in
                goDown()
                down = false
                restarts += 1
            }
        }
    }

    /// While true the server is "down": every new TCP connection is closed at once.
    var down = false

    /// A restart without giving up the port: every client is dropped without a close frame and the server
    /// forgets everything (drift list, counters, log), like a restarted process; it stays down until `up()`.
    func goDown() {
        down = true
        dropAll()
        drifts.removeAll()
        severityCounts.removeAll()
        resourceTypeCounts.removeAll()
        unmanagedTotal = 0
        eventsGenerated = 0
        receivedLog.removeAll()
        seq = Int.random(in: 0..<(1 << 40))
    }

    func stop() {
        tickTask?.cancel()
        housekeepingTask?.cancel()
        restartTask?.cancel()
        falcoTask?.cancel()
        for promise in stalled { promise.succeed(nil) }
        stalled.removeAll()
        for client in clients.values { client.channel.close(promise: nil) }
        clients.removeAll()
    }

    // MARK: - Clients

    func add(_ client: ClientSession) {
        clients[ObjectIdentifier(client.channel)] = client
        let welcome: String
        switch options.dialect {
        case .real:
            welcome = "{\"type\":\"connected\",\"topic\":\"\",\"data\":{\"client_id\":\"\(client.clientID)\",\"features\":[\"provider_filter\",\"drift_results\",\"discovery_progress\",\"provider_status\"],\"message\":\"Connected to TFDrift-Falco WebSocket v0.9.0\",\"topics\":[\"drifts\",\"events\",\"state\",\"drift_result\",\"discovery_progress\",\"provider_status\",\"unmanaged_resource\",\"all\"],\"version\":\"0.9.0\"},\"timestamp\":\"\(timestamp())\"}"
        case .documented:
            welcome = "{\"type\":\"welcome\",\"payload\":{\"message\":\"Connected to TFDrift-Falco WebSocket\",\"client_id\":\"\(client.clientID)\"}}"
        }
        client.pending.append(welcome)
    }

    func remove(_ channel: Channel) {
        clients.removeValue(forKey: ObjectIdentifier(channel))
    }

    func client(for channel: Channel) -> ClientSession? { clients[ObjectIdentifier(channel)] }

    /// Handles one text message from a client; `nil` means the connection must be closed with 1009.
    func handle(text: String, from client: ClientSession) {
        if receivedLog.count < 100_000 { receivedLog.append(text) }
        let ts = timestamp()
        guard case .some(.object(let object)) = try? JSONParser.parse(text) else {
            reply(client, "{\"type\":\"error\",\"topic\":\"\",\"data\":null,\"timestamp\":\"\(ts)\",\"error\":\"Invalid message format\"}")
            return
        }
        let type = object["type"]?.stringValue ?? ""
        let topic = object["topic"]?.stringValue ?? ""
        let topicJSON = JSONValue.string(topic).jsonText
        switch (options.dialect, type) {
        case (.real, "subscribe"):
            client.subscriptions.insert(topic)
            reply(client, "{\"type\":\"subscribed\",\"topic\":\(topicJSON),\"data\":{\"status\":\"success\"},\"timestamp\":\"\(ts)\"}")
            if let hostile, !client.hostileStarted {
                client.hostileStarted = true
                hostile.clientReady(client, hub: self)
            }
        case (.real, "unsubscribe"):
            client.subscriptions.remove(topic)
            reply(client, "{\"type\":\"unsubscribed\",\"topic\":\(topicJSON),\"data\":{\"status\":\"success\"},\"timestamp\":\"\(ts)\"}")
        case (.real, "filter"):
            let provider = JSONValue.string(object["provider"]?.stringValue ?? "").jsonText
            reply(client, "{\"type\":\"filter_set\",\"topic\":\"\",\"data\":{\"provider\":\(provider)},\"timestamp\":\"\(ts)\"}")
        case (.real, "ping"):
            reply(client, "{\"type\":\"pong\",\"topic\":\"\",\"data\":null,\"timestamp\":\"\(ts)\"}")
        case (.real, "query"):
            reply(client, "{\"type\":\"error\",\"topic\":\"\",\"data\":null,\"timestamp\":\"\(ts)\",\"error\":\"Query not implemented yet\"}")
        case (.real, _):
            let escaped = JSONValue.string("Unknown message type: \(type)").jsonText
            reply(client, "{\"type\":\"error\",\"topic\":\"\",\"data\":null,\"timestamp\":\"\(ts)\",\"error\":\(escaped)}")
        // The documented API defines no replies to (un)subscribe.
        case (.documented, "subscribe"): client.subscriptions.insert(topic)
        case (.documented, "unsubscribe"): client.subscriptions.remove(topic)
        case (.documented, "ping"): reply(client, "{\"type\":\"pong\",\"timestamp\":\"\(ts)\"}")
        case (.documented, _): break
        }
    }

    func reply(_ client: ClientSession, _ line: String) {
        client.pending.append(line)
        flush(client)
    }

    // MARK: - Traffic

    func tick() {
        let now = NIODeadline.now()
        let elapsed = Double((now - lastTick).nanoseconds) / 1e9
        lastTick = now
        accumulator += options.rate * elapsed
        var count = Int(accumulator)
        accumulator -= Double(count)
        // Cap one tick's work so a stalled loop does not produce a burst of minutes of traffic.
        count = min(count, max(1000, Int(options.rate * 0.05)))
        if count > 0 { generate(count) }
        if !faults.silent {
            for client in clients.values where !client.pending.isEmpty { flush(client) }
        }
    }

    func generate(_ count: Int) {
        let ts = timestamp()
        for _ in 0..<count {
            let kind = pickKind()
            guard let indexes = catalog.byKind[kind], !indexes.isEmpty else { continue }
            var index = indexes[Int(rng.next() % UInt64(indexes.count))]
            seq += 1
            // The same change made again: one of the last few drifts, word for word, under its own sequence.
            var shownSeq = seq
            if kind == .drift, !drifts.isEmpty, options.driftRepeats > 0, Double(rng.next() % 10_000) < options.driftRepeats * 10_000 {
                let earlier = drifts[drifts.count - 1 - Int(rng.next() % UInt64(min(drifts.count, 8)))]
                index = Int(earlier.template)
                shownSeq = earlier.seq
            }
            let template = catalog.templates[index]
            eventsGenerated += 1
            record(template, index: index, seq: shownSeq)
            // nil: the real server's envelope; the documented API has no message for some kinds.
            let documented: (type: String, topic: String)?
            switch options.dialect {
            case .real: documented = nil
            case .documented:
                guard let names = kind.documented else { continue }
                documented = names
            }
            let topicName = documented?.topic ?? kind.wireName
            // The line is built once, for the first client that will send it. A client whose socket is not writable
            // drops it at the next flush anyway (nothing between here and that flush lets its socket drain: this
            // runs on the event loop), so under a flood no line is formatted that no client can take: the
            // simulator's cost follows what it sends, not what it throws away, and it leaves the processor to the
            // clients sharing the machine with it.
            var line: String?
            for client in clients.values where client.subscriptions.contains("all") || client.subscriptions.contains(topicName) {
                guard client.channel.isWritable || faults.silent else {
                    client.dropped += 1
                    continue
                }
                let text = line ?? render(kind, documented, template, seq: shownSeq, ts: ts)
                line = text
                client.pending.append(text)
                // Like the real server's 256-slot client buffer: a full batch goes out (or is dropped) at once, so
                // a flood is a steady stream and a slow client loses a batch, not a whole tick of tens of thousands.
                if client.pending.count >= options.maximumBatch { flush(client) }
            }
        }
    }

    /// One event's line: in the documented API's shape with its `documented` names, else as the real server sends it.
    func render(_ kind: SimulatedKind, _ documented: (type: String, topic: String)?, _ template: EventTemplate, seq: Int, ts: String) -> String {
        guard let doc = documented else {
            let stamp = kind == .policyDecision || kind == .remediationProposal ? "" : ts
            return "{\"type\":\"data\",\"topic\":\"\(kind.wireName)\",\"data\":\(template.realPayload(seq: seq)),\"timestamp\":\"\(stamp)\"}"
        }
        return "{\"type\":\"\(doc.type)\",\"topic\":\"\(doc.topic)\",\"timestamp\":\"\(ts)\",\"payload\":\(template.documentedPayload(seq: seq))}"
    }

    func pickKind() -> SimulatedKind {
        let roll = Int(rng.next() % 100)
        switch options.dialect {
        case .real:
            switch roll {
            case 0..<45: return .drift
            case 45..<53: return .unmanaged
            case 53..<59: return .policyDecision
            case 59..<65: return .remediationProposal
            case 65..<80: return .falco
            default: return .stateChange
            }
        case .documented:
            switch roll {
            case 0..<55: return .drift
            case 55..<75: return .falco
            default: return .stateChange
            }
        }
    }

    func record(_ template: EventTemplate, index: Int, seq: Int) {
        switch template.kind {
        case .drift:
            severityCounts[template.severity, default: 0] += 1
            resourceTypeCounts[template.resourceType, default: 0] += 1
            if drifts.count < Hub.maximumStoredDrifts {
                drifts.append(StoredDrift(template: Int32(index), seq: seq))
            }
        case .unmanaged:
            unmanagedTotal += 1
        default:
            break
        }
    }

    /// Sends what is queued for a client: on the real server every object queued at write time goes into one
    /// text message joined by `\n` (up to the 256-slot buffer), fragmented into 1 KiB frames; the documented
    /// API sends one object per message. A client whose socket is not writable loses events, as on the real server.
    func flush(_ client: ClientSession) {
        guard !faults.silent, !client.pending.isEmpty else { return }
        let channel = client.channel
        guard channel.isActive else { client.pending.removeAll(); return }
        if !channel.isWritable {
            client.dropped += client.pending.count
            client.pending.removeAll(keepingCapacity: true)
            return
        }
        switch options.dialect {
        case .real:
            var start = 0
            while start < client.pending.count {
                let end = min(start + options.maximumBatch, client.pending.count)
                let text = client.pending[start..<end].joined(separator: "\n")
                writeFragmented(text, to: channel)
                start = end
            }
        case .documented:
            for line in client.pending {
                channel.write(WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: line)), promise: nil)
            }
        }
        channel.flush()
        client.pending.removeAll(keepingCapacity: true)
    }

    func writeFragmented(_ text: String, to channel: Channel) {
        var buffer = channel.allocator.buffer(string: text)
        let fragment = 1024
        var first = true
        repeat {
            let size = min(fragment, buffer.readableBytes)
            let slice = buffer.readSlice(length: size)!
            let fin = buffer.readableBytes == 0
            channel.write(WebSocketFrame(fin: fin, opcode: first ? .text : .continuation, data: slice), promise: nil)
            first = false
        } while buffer.readableBytes > 0
    }

    // MARK: - Keep-alive

    func housekeeping() {
        guard !faults.silent else { return }
        let now = NIODeadline.now()
        if options.dialect == .documented, now - lastStatsAt >= .seconds(1) {
            lastStatsAt = now
            broadcastDocumentedStats()
        }
        for client in Array(clients.values) {
            if now - client.lastPongAt > .nanoseconds(Int64(options.pongTimeout * 1e9)) {
                // Like the real server: no close frame, just the TCP close.
                client.channel.close(promise: nil)
                remove(client.channel)
                continue
            }
            if now - client.lastPingAt >= .nanoseconds(Int64(options.pingInterval * 1e9)) {
                client.lastPingAt = now
                client.channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .ping, data: client.channel.allocator.buffer(capacity: 0)), promise: nil)
            }
        }
    }

    /// The documented API's "Statistics updates" on the `stats` topic (the real server has none).
    func broadcastDocumentedStats() {
        let severity = severityCounts.sorted { $0.key < $1.key }.map { "\(JSONValue.string($0.key).jsonText):\($0.value)" }.joined(separator: ",")
        let line = "{\"type\":\"stats\",\"topic\":\"stats\",\"timestamp\":\"\(timestamp())\",\"payload\":{\"drifts\":{\"total\":\(drifts.count),\"severity_counts\":{\(severity)}},\"events\":{\"total\":\(eventsGenerated)},\"unmanaged\":{\"total\":\(unmanagedTotal)}}}"
        for client in clients.values where client.subscriptions.contains("stats") || client.subscriptions.contains("all") {
            client.pending.append(line)
            flush(client)
        }
    }

    // MARK: - Faults

    /// Drops every client without a close frame (what a crashed or restarted server looks like: 1006).
    func dropAll() {
        for client in clients.values { client.channel.close(promise: nil) }
        clients.removeAll()
    }

    /// Closes every client with a close frame carrying `code`.
    func closeAll(code: UInt16, reason: String) {
        for client in clients.values {
            var data = client.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
            data.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: Int(code)))
            data.writeString(reason)
            let channel = client.channel
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
        clients.removeAll()
    }

    // MARK: - REST

    func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp.format(Double(ts.tv_sec))
    }

    func statsJSON() -> String {
        let total = drifts.count
        let severity = severityCounts.sorted { $0.key < $1.key }.map { "\(JSONValue.string($0.key).jsonText):\($0.value)" }.joined(separator: ",")
        let types = resourceTypeCounts.sorted { $0.key < $1.key }.map { "\(JSONValue.string($0.key).jsonText):\($0.value)" }.joined(separator: ",")
        let top = resourceTypeCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
            .map { "{\"count\":\($0.value),\"resource_type\":\(JSONValue.string($0.key).jsonText)}" }.joined(separator: ",")
        var breakdown: [String: Double] = ["critical": 0, "high": 0, "medium": 0, "low": 0]
        for (k, v) in severityCounts where total > 0 { breakdown[k] = Double(v) * 100 / Double(total) }
        let breakdownText = breakdown.sorted { $0.key < $1.key }.map { "\(JSONValue.string($0.key).jsonText):\(JSONValue.formatNumber($0.value))" }.joined(separator: ",")
        return "{\"success\":true,\"data\":{\"drifts\":{\"resource_types\":{\(types)},\"severity_counts\":{\(severity)},\"total\":\(total)},\"events\":{\"total\":0},\"graph\":{\"total_edges\":0,\"total_nodes\":\(resourceTypeCounts.count)},\"severity_breakdown\":{\(breakdownText)},\"top_resource_types\":[\(top)],\"unmanaged\":{\"total\":\(unmanagedTotal)}}}\n"
    }

    /// `GET /api/v1/drifts?page=&limit=`: oldest first, pages of `limit` (default 50, at most 1000).
    func driftsJSON(page pageText: String?, limit limitText: String?) -> String {
        var limit = Int(limitText ?? "") ?? 50
        if limit < 1 { limit = 50 }
        limit = min(limit, 1000)
        var page = Int(pageText ?? "") ?? 1
        if page < 1 { page = 1 }
        let total = drifts.count
        let start = min(total, (page - 1) * limit)
        let end = min(total, start + limit)
        var items: [String] = []
        items.reserveCapacity(end - start)
        for stored in drifts[start..<end] {
            let template = catalog.templates[Int(stored.template)]
            let id = JSONValue.string(template.idPrefix + String(stored.seq, radix: 16)).jsonText
            let payload = template.realPayload(seq: stored.seq)
            items.append("{\"alert_type\":\"drift\",\"id\":\(id)," + payload.dropFirst())
        }
        let pages = total == 0 ? 0 : (total + limit - 1) / limit
        return "{\"success\":true,\"data\":{\"data\":[\(items.joined(separator: ","))],\"page\":\(page),\"limit\":\(limit),\"total\":\(total),\"total_pages\":\(pages)}}\n"
    }

    /// `GET /api/v1/drifts/{id}`: the oldest drift of that resource, as the real server answers (nil: 404).
    func driftJSON(resourceID: String) -> String? {
        for stored in drifts {
            let template = catalog.templates[Int(stored.template)]
            let id = template.idPrefix + String(stored.seq, radix: 16)
            guard id == resourceID else { continue }
            let payload = template.realPayload(seq: stored.seq)
            return "{\"success\":true,\"data\":{\"alert_type\":\"drift\",\"id\":\(JSONValue.string(id).jsonText)," + payload.dropFirst() + "}\n"
        }
        return nil
    }

    /// The simulated Terraform state moves on as drifts arrive: a new serial every 25 drifts, and the resource
    /// count wanders, so a client polling `/api/v1/state` sees changes.
    var terraformSerial: Int { 41 + drifts.count / 25 }
    var terraformResourceCount: Int { 120 + (drifts.count / 25) % 3 }

    func terraformStateJSON() -> String {
        "{\"success\":true,\"data\":{\"lineage\":\"sim-\(options.seed)\",\"outputs_count\":0,\"resource_count\":\(terraformResourceCount),\"serial\":\(terraformSerial),\"terraform_version\":\"1.9.0\",\"version\":4}}\n"
    }

    /// `GET /api/v1/state/resource/{id}`: what Terraform declares for a simulated resource (each change's old
    /// value), for any id the simulator has used (nil: 404).
    func declaredResourceJSON(resourceID: String) -> String? {
        guard let resource = Catalog.resources.first(where: { resourceID.hasPrefix($0.idPrefix) }) else { return nil }
        var attributes: [(key: String, value: JSONValue)] = [(key: "id", value: .string(resourceID)), (key: "name", value: .string(resource.name))]
        for change in resource.changes { attributes.append((key: change.attribute, value: change.old)) }
        let item: JSONValue = [
            "type": .string(resource.type), "name": .string(resource.name), "provider": "registry.terraform.io/hashicorp/aws",
            "mode": "managed", "attributes": .object(JSONObject(attributes)),
        ]
        return "{\"success\":true,\"data\":\(item.jsonText)}\n"
    }

    /// Whether a request carries the token the simulator was told to require (always, when none is required).
    func authorized(_ headers: HTTPHeaders) -> Bool {
        guard let token = options.requiredToken else { return true }
        return headers["Authorization"].contains("Bearer \(token)") || headers["X-API-Key"].contains(token)
    }

    /// As the real server answers: `degraded` with `falco: disconnected` while its Falco subscription is down
    /// (HTTP 200 all the same); nil for a server without readiness (404).
    func healthJSON() -> String? {
        if faults.healthMissing { return nil }
        let (status, falco) = faults.falcoDisconnected ? ("degraded", "disconnected") : ("ok", "connected")
        return "{\"success\":true,\"data\":{\"status\":\"\(status)\",\"version\":\"0.14.0-sim\",\"timestamp\":\"\(timestamp())\",\"checks\":{\"falco\":\"\(falco)\"}}}\n"
    }
}
