#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOWebSocket
import TFDriftWire

/// The kinds of attack a hostile server round makes, each one a way a real server (broken, compromised or
/// simply unlucky) can hurt a client. `fatal` kinds must make the client drop the connection, so their
/// sentinel is sent after the client comes back; the others must leave the connection up.
public enum HostileKind: String, CaseIterable, Sendable {
    // The connection survives these.
    case truncatedJSON, bitFlips, invalidUTF8, deepNesting, hugeNumbers, loneSurrogates, hostileTopics, wrongTypes
    case fragmented, largeMessage, uniqueTopicFlood, longFieldDrifts, severityFlood, wideText
    case unrequestedAcks, dotSegmentIDs
    // These must end it.
    case rsvBits, reservedOpcode, maskedFrame, invalidCloseCode, hostileCloseReason, oversizedMessage
    case refusedUpgrade, hostileREST, pingFloodWithoutReading, nonUTF8CloseReason, unrequestedSubprotocol

    public var fatal: Bool {
        switch self {
        case .rsvBits, .reservedOpcode, .maskedFrame, .invalidCloseCode, .hostileCloseReason, .oversizedMessage,
            .refusedUpgrade, .hostileREST, .pingFloodWithoutReading, .nonUTF8CloseReason, .unrequestedSubprotocol:
            true
        default:
            false
        }
    }
}

/// Plays seeded hostile rounds against the first client that subscribes, one after another: round `i` is
/// kind `i % kinds.count` with seeded details, and is followed by the sentinel drift `sentinel-i`. Confined to
/// the hub's event loop (hence unchecked, like the hub itself).
final class HostileRunner: @unchecked Sendable {
    let rounds: Int
    let scale: Int
    let kinds: [HostileKind]
    var rng: SplitMix64
    private(set) var round = 0
    /// A fatal round ran; its sentinel goes to the next client that subscribes.
    private var awaitingReconnect = false
    /// Raw answers for the next upgrade requests, and overrides for the next REST answers.
    var refusals: [[UInt8]] = []
    var restOverrides: [(status: Int, body: String)] = []
    /// Headers for the next accepted upgrade's 101 (a subprotocol or extension nobody asked for).
    var upgradeHeaders: [(String, String)]?
    private var refusalsPlayed = 0

    init(seed: UInt64, rounds: Int, scale: Int, kinds: [HostileKind]) {
        self.rng = SplitMix64(seed: seed ^ 0x5EED_BAD5)
        self.kinds = kinds.isEmpty ? HostileKind.allCases : kinds
        self.rounds = rounds
        self.scale = max(1, scale)
    }

    var finished: Bool { round >= rounds }

    func takeRefusal() -> [UInt8]? { refusals.isEmpty ? nil : refusals.removeFirst() }

    func takeUpgradeHeaders() -> [(String, String)]? {
        defer { upgradeHeaders = nil }
        return upgradeHeaders
    }

    /// A client subscribed: resume the script on it.
    func clientReady(_ client: ClientSession, hub: Hub) {
        guard !finished else { return }
        if awaitingReconnect {
            awaitingReconnect = false
            sendSentinel(to: client)
            round += 1
        }
        scheduleNext(client, hub: hub)
    }

    private func scheduleNext(_ client: ClientSession, hub: Hub) {
        guard !finished else {
            Console.line("demo-server: hostile rounds done (\(rounds))")
            return
        }
        let bound = NIOLoopBound(client, eventLoop: hub.loop)
        hub.loop.scheduleTask(in: .milliseconds(5)) { [self] in
            let client = bound.value
            guard client.channel.isActive, !awaitingReconnect, !finished else { return }
            let kind = kinds[round % kinds.count]
            play(kind, on: client, hub: hub)
            if kind.fatal {
                awaitingReconnect = true
            } else {
                sendSentinel(to: client)
                round += 1
                scheduleNext(client, hub: hub)
            }
        }
    }

    func sendSentinel(to client: ClientSession) {
        let line = HostileRunner.drift(id: "sentinel-\(round)", type: "aws_sentinel", attribute: "round", old: "null", new: "\"\(round)\"")
        send(text: line, to: client.channel)
    }

    // MARK: - Rounds

    func play(_ kind: HostileKind, on client: ClientSession, hub: Hub) {
        let channel = client.channel
        let good = HostileRunner.drift(id: "i-\(rng.next() % 1000)", type: "aws_instance", attribute: "instance_type", old: "\"t3.micro\"", new: "\"t3.large\"")
        switch kind {
        case .truncatedJSON:
            let cut = Int(rng.next() % UInt64(good.utf8.count - 1)) + 1
            send(bytes: Array(good.utf8.prefix(cut)) + [0x0A] + Array(good.utf8), to: channel)
        case .bitFlips:
            var bytes = Array(good.utf8)
            for _ in 0..<(1 + rng.next() % 8) {
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes[i] ^= UInt8(1 << (rng.next() % 8))
            }
            send(bytes: bytes, to: channel)
        case .invalidUTF8:
            var bytes = Array(good.utf8)
            let at = bytes.firstIndex(of: UInt8(ascii: "t"))!  // inside "type"'s value or a key: either way in a string
            bytes.insert(contentsOf: [0xFF, 0xC0, 0x80, 0xED, 0xA0, 0x80, 0xF4, 0x90], at: at)
            send(bytes: bytes, to: channel)
        case .deepNesting:
            let depth = 1000 + Int(rng.next() % 100_000)
            send(text: "{\"type\":\"data\",\"topic\":\"drift\",\"data\":" + String(repeating: "[", count: depth), to: channel)
        case .hugeNumbers:
            send(text: [
                HostileRunner.drift(id: "num", type: "aws_num", attribute: "n", old: "1e400", new: "-99999999999999999999999999"),
                "{\"type\":\"stats\",\"topic\":\"stats\",\"payload\":{\"drifts\":{\"total\":1e300,\"severity_counts\":{\"high\":-1,\"low\":0.5}},\"unmanaged\":{\"total\":\"x\"}}}",
            ].joined(separator: "\n"), to: channel)
        case .loneSurrogates:
            send(text: HostileRunner.drift(id: "\\ud800", type: "aws_\\udfff", attribute: "\\ud800\\u0041", old: "\"\\udbff\\udbff\"", new: "\"\\ud83d\""), to: channel)
        case .hostileTopics:
            let topics = [
                "\\u001b]0;pwned\\u0007\\u001b[2J", "evil\\r\\n{\\\"kind\\\":\\\"event\\\"}", "\\u009b31m", "\\u202eexe.live",
                String(repeating: "T", count: 100_000),
            ]
            let lines = topics.map { "{\"type\":\"data\",\"topic\":\"\($0)\",\"data\":{\"severity\":\"\\u001b[5m\"},\"timestamp\":\"\"}" }
                + ["{\"type\":\"\\u001b[2Jbogus\\u202e\",\"topic\":\"\",\"data\":null,\"timestamp\":\"\"}"]
            send(text: lines.joined(separator: "\n"), to: channel)
        case .wrongTypes:
            send(text: [
                "{\"type\":\"data\",\"topic\":\"drift\",\"data\":{\"severity\":5,\"resource_type\":[1,2],\"resource_id\":{\"a\":null},\"attribute\":true,\"old_value\":null,\"new_value\":[],\"user_identity\":\"x\",\"matched_rules\":7},\"timestamp\":7}",
                "{\"type\":\"data\",\"topic\":\"drift\",\"data\":5}", "{\"type\":7}", "[]", "\"x\"", "{\"type\":\"data\",\"topic\":5,\"data\":null}",
            ].joined(separator: "\n"), to: channel)
        case .fragmented:
            var buffer = channel.allocator.buffer(string: good)
            var first = true
            while buffer.readableBytes > 0 {
                let slice = buffer.readSlice(length: min(buffer.readableBytes, 1 + Int(rng.next() % 7)))!
                channel.write(WebSocketFrame(fin: buffer.readableBytes == 0, opcode: first ? .text : .continuation, data: slice), promise: nil)
                first = false
            }
            channel.flush()
        case .largeMessage:
            // Under the client's 8 MiB limit: accepted, and one field of it kept, cut.
            let long = String(repeating: "A", count: 7 * 1024 * 1024)
            send(text: HostileRunner.drift(id: "large", type: "aws_large", attribute: "a", old: "null", new: "\"\(long)\""), to: channel)
        case .uniqueTopicFlood:
            for i in 0..<(8 * scale) {
                let topic = "t\(rng.next())-\(i)-" + String(repeating: "x", count: 1 << 20)
                send(text: "{\"type\":\"data\",\"topic\":\"\(topic)\",\"data\":{\"severity\":\"high\"},\"timestamp\":\"\"}", to: channel)
            }
        case .longFieldDrifts:
            let filler = String(repeating: "f", count: 1100)
            sendBatched(1000 * scale, perMessage: 64, to: channel) { i in
                let u = "\(rng.next())-\(i)"
                return HostileRunner.drift(
                    id: "\(u)\(filler)", type: "aws_\(u)\(filler)", attribute: "\(u)\(filler)", old: "\"\(u)\(filler)\"", new: "\"\(u)\(filler)\"")
            }
        case .severityFlood:
            sendBatched(10_000 * scale, perMessage: 256, to: channel) { i in
                "{\"type\":\"data\",\"topic\":\"policy_decision\",\"data\":{\"severity\":\"sev-\(rng.next())-\(i)\",\"decision\":\"deny\"},\"timestamp\":\"\"}"
            }
        case .unrequestedAcks:
            // Acknowledgements of topics nobody subscribed to, 1000 a message: the client must keep none of them.
            sendBatched(10_000 * scale, perMessage: 1000, to: channel) { i in
                "{\"type\":\"subscribed\",\"topic\":\"unasked-\(rng.next() % 1_000_000)-\(i)\"}"
            }
        case .dotSegmentIDs:
            // Ids a REST path must not carry as they are shown: dot-segments, nothing, controls and a slash.
            send(text: ["..", ".", "", "\\u0001i-\\r\\n1", "../../health", "%2e%2e"].map {
                HostileRunner.drift(id: $0, type: "aws_dots", attribute: "a", old: "null", new: "\"x\"")
            }.joined(separator: "\n"), to: channel)
        case .wideText:
            send(text: HostileRunner.drift(
                id: "\u{1F260}\u{1F261}\u{1F265}", type: "aws_\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", attribute: "a\u{200D}b\u{200D}c",
                old: "\"\u{1F1EF}\u{1F1F5}\u{2764}\u{FE0F}\u{1F44D}\u{1F3FD}\"", new: "\"\u{E0100}x\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\u{0301}\""), to: channel)
        case .rsvBits:
            channel.writeAndFlush(WebSocketFrame(fin: true, rsv1: true, opcode: .text, data: channel.allocator.buffer(string: good)), promise: nil)
        case .reservedOpcode:
            let opcode = WebSocketOpcode(encodedWebSocketOpcode: rng.next() % 2 == 0 ? 0x3 : 0xB)!
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: opcode, data: channel.allocator.buffer(string: good)), promise: nil)
        case .maskedFrame:
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(string: good)), promise: nil)
        case .invalidCloseCode:
            let codes: [UInt16] = [1005, 999, 5000, 1006, 1015, 2000]
            var data = channel.allocator.buffer(capacity: 2)
            if rng.next() % 5 == 0 {
                data.writeInteger(UInt8(3))  // a 1-byte close payload
            } else {
                data.writeInteger(codes[Int(rng.next() % UInt64(codes.count))])
            }
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data), promise: nil)
        case .hostileCloseReason:
            var data = channel.allocator.buffer(capacity: 64)
            data.writeInteger(UInt16(1011))
            data.writeString("\u{1B}]0;pwned\u{07}\u{1B}[2J\r\n\u{202E}gnol\u{1F260}\u{1F260}\u{1F260}\u{1F260}")
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data), promise: nil)
        case .nonUTF8CloseReason:
            var data = channel.allocator.buffer(capacity: 16)
            data.writeInteger(UInt16(1000))
            data.writeBytes([0x62, 0x79, 0x65, 0xFF, 0xFE, 0xC0, 0x80])
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data), promise: nil)
        case .unrequestedSubprotocol:
            // The next upgrade is accepted with a subprotocol and an extension the client never offered.
            upgradeHeaders = [("Sec-WebSocket-Protocol", "evil.v1"), ("Sec-WebSocket-Extensions", "permessage-deflate")]
            channel.close(promise: nil)
        case .oversizedMessage:
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: 9 * 1024 * 1024)), promise: nil)
        case .refusedUpgrade:
            // Not 401/403: those rightly stop automatic retries, and nobody is at this client's keyboard.
            let statuses = ["429", "503", "500", "418"]
            let status = statuses[refusalsPlayed % statuses.count]
            refusalsPlayed += 1
            let response = "HTTP/1.1 \(status) \u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\u{202E}\r\nRetry-After: 99999999999999999999s\r\n"
                + "X-Evil: \u{1B}[31m\r\nContent-Length: 0\r\n\r\n"
            refusals.append(Array(response.utf8))
            channel.close(promise: nil)
        case .hostileREST:
            let bodies = [
                "{\"success\":true,\"data\":{\"data\":[],\"total\":1e300}}", "{\"success\":true,\"data\":{\"data\":[],\"total\":-1}}",
                "{\"success\":true,\"data\":{\"data\":[],\"total\":\"x\"}}", "{\"success\":true,\"data\":{\"data\":[]}}",
                "{\"success\":true,\"data\":{\"data\":[],\"total\":2.5}}", "{\"success\":false,\"error\":{\"message\":\"\u{1B}[2J\u{202E}nope\"}}",
                "{\"success\":true,\"data\":{\"drifts\":{\"total\":1e300},\"unmanaged\":{\"total\":-5}}}",
                "{\"success\":true,\"data\":{\"data\":[" + Array(repeating: "{}", count: 200_000).joined(separator: ",") + "],\"total\":3}}",
            ]
            for _ in 0..<6 { restOverrides.append((200, bodies[Int(rng.next() % UInt64(bodies.count))])) }
            restOverrides.append((200, "{\"success\":true,\"data\":{\"data\":[],\"total\":1,\"pad\":\"" + String(repeating: "p", count: 5 << 20) + "\"}}"))
            channel.close(promise: nil)
        case .pingFloodWithoutReading:
            channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            floodPings(channel, sent: 0)
        }
    }

    /// Pings with full 125-byte payloads, in batches, until the client gives up on a peer that does not read
    /// (or a bound is reached, so a broken client fails the test instead of filling memory).
    private func floodPings(_ channel: Channel, sent: Int) {
        guard channel.isActive, sent < 400_000 else { return }
        let payload = channel.allocator.buffer(repeating: UInt8(ascii: "p"), count: 125)
        for _ in 0..<2000 { channel.write(WebSocketFrame(fin: true, opcode: .ping, data: payload), promise: nil) }
        channel.flush()
        channel.eventLoop.scheduleTask(in: .milliseconds(2)) { [self] in floodPings(channel, sent: sent + 2000) }
    }

    // MARK: - Helpers

    /// `count` lines made by `line`, joined `perMessage` to a text message as the real server batches them.
    func sendBatched(_ count: Int, perMessage: Int, to channel: Channel, _ line: (Int) -> String) {
        var batch: [String] = []
        for i in 0..<count {
            batch.append(line(i))
            if batch.count == perMessage {
                send(text: batch.joined(separator: "\n"), to: channel)
                batch.removeAll()
            }
        }
        if !batch.isEmpty { send(text: batch.joined(separator: "\n"), to: channel) }
    }

    func send(text: String, to channel: Channel) {
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text)), promise: nil)
    }

    func send(bytes: [UInt8], to channel: Channel) {
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    /// A drift in the real server's envelope; `old` and `new` are JSON values as text, the rest string contents.
    static func drift(id: String, type: String, attribute: String, old: String, new: String) -> String {
        "{\"type\":\"data\",\"topic\":\"drift\",\"data\":{\"attribute\":\"\(attribute)\",\"matched_rules\":null,\"new_value\":\(new),"
            + "\"old_value\":\(old),\"resource_id\":\"\(id)\",\"resource_name\":\"x\",\"resource_type\":\"\(type)\",\"severity\":\"high\","
            + "\"timestamp\":\"\",\"user_identity\":{\"Type\":\"\",\"PrincipalID\":\"\",\"ARN\":\"\",\"AccountID\":\"\",\"UserName\":\"mallory\"}},\"timestamp\":\"\"}"
    }
}

/// Answers one upgrade request with raw bytes (a status line and headers no HTTP library would write), then
/// closes. Used for the hostile rounds that refuse the upgrade; a REST call that comes first hands the refusal
/// back for the upgrade and is closed unanswered.
final class RawRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let response: [UInt8]
    let runner: HostileRunner
    private var request: [UInt8] = []

    init(response: [UInt8], runner: HostileRunner) {
        self.response = response
        self.runner = runner
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        request += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard request.count > 65_536 || request.suffix(4) == [13, 10, 13, 10] else { return }
        let channel = context.channel
        guard request.starts(with: Array("GET /ws".utf8)) else {
            runner.refusals.insert(response, at: 0)
            channel.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(bytes: response))).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Output for the simulator's own announcements, without stdio (not concurrency-safe in Swift 6).
enum Console {
    static func line(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}
