import Testing
@testable import TFDriftCore
import TFDriftWire

/// The direct decoder (bytes → records, no JSON tree) against the general path (parse, classify, build) on the
/// realistic corpus and on seeded random message-like lines, valid and mutated: identical items for every
/// frame, and the direct path must actually be the one taken for the common shapes.
struct DirectDecoderTests {
    static let receivedAt = 1_795_748_400.0

    /// Both paths over the same frame.
    static func both(_ text: String) -> (direct: [Incoming], general: [Incoming]) {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            let b = UnsafeBufferPointer(buffer)
            return (Ingest.items(fromFrame: b, receivedAt: receivedAt, direct: true), Ingest.items(fromFrame: b, receivedAt: receivedAt, direct: false))
        }
    }

    /// Whether the direct path (rather than the general one) decodes this line.
    static func takesDirectPath(_ line: String) -> Bool {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            let b = UnsafeBufferPointer(buffer)
            let taken = DirectDecoder.item(b, receivedAt: receivedAt, raw: "") != nil
            // A directly decoded line skips the sanitiser's byte scan (credentials and length only): it must be plain.
            #expect(!taken || b.allSatisfy { $0 >= 0x20 && $0 <= 0x7E && $0 != UInt8(ascii: "\\") })
            return taken
        }
    }

    /// The real server's shapes (tfdrift-protocol.md, the simulator's catalog) and the documented API's.
    static let corpus = [
        #"{"type":"data","topic":"drift","data":{"attribute":"instance_type","matched_rules":["instance-type-change"],"new_value":"t3.2xlarge","old_value":"t3.micro","resource_id":"i-0demoweb17","resource_name":"web","resource_type":"aws_instance","severity":"high","timestamp":"","user_identity":{"Type":"AssumedRole","PrincipalID":"","ARN":"arn:aws:sts::230446364776:assumed-role/Admin/alice@corp.example","AccountID":"230446364776","UserName":"alice@corp.example"}},"timestamp":"2026-11-27T03:01:43Z"}"#,
        #"{"type":"data","topic":"unmanaged","data":{"changes":{"instance_type":"t3.micro"},"event_name":"RunInstances","reason":"Resource i-0new1 (aws_instance) is not found in Terraform state","resource_id":"i-0new123","resource_type":"aws_instance","severity":"warning","timestamp":"","user_identity":{"Type":"IAMUser","PrincipalID":"AIDAEXAMPLE","ARN":"arn:aws:iam::123456789012:user/bob","AccountID":"123456789012","UserName":"bob"}},"timestamp":"2026-08-10T09:31:00Z"}"#,
        #"{"type":"data","topic":"policy_decision","data":{"attribute":"instance_type","decision":"deny","labels":null,"reason":"prod instances are immutable 3","resource_id":"i-0abc","resource_type":"aws_instance","severity":"high"},"timestamp":""}"#,
        #"{"type":"data","topic":"remediation_proposal","data":{"id":"7f1c","status":"pending","description":"","import_command":"terraform import aws_s3_bucket.logs logs","resource_type":"aws_s3_bucket","resource_name":"logs","severity":"medium"},"timestamp":"2026-08-10T09:32:00+09:00"}"#,
        #"{"type":"data","topic":"drift","data":{"attribute":"max_session_duration","old_value":3600,"new_value":43200,"resource_id":"AROA5EXAMPLEADMIN1","resource_name":"admin","resource_type":"aws_iam_role","severity":"high","timestamp":"2026-11-27T03:01:44.250Z","user_identity":{"UserName":"","ARN":"arn:aws:iam::1:user/carol"}},"timestamp":""}"#,
        #"{"type":"data","topic":"drift","data":{"attribute":"publicly_accessible","old_value":false,"new_value":true,"resource_id":"db-1","resource_type":"aws_db_instance","severity":"critical","user_identity":null},"timestamp":"2026-11-27T03:01:45Z"}"#,
        #"{"type":"drift","topic":"drifts","timestamp":"2025-01-15T10:00:00Z","payload":{"severity":"critical","resource_type":"aws_iam_policy","resource_id":"ANPA","old_value":"a","new_value":"b","user":"john.doe@example.com"}}"#,
        #"{ "type" : "data" , "topic" : "policy_decision" , "data" : { "decision" : "allow" , "reason" : "ok" } }"#,
        #"{"type":"data","topic":"state_change","data":{"resource_type":"aws_security_group","resource_id":"sg-0a1b2c3d979137108b","changes":{"action":"deleted","serial":168}},"timestamp":"2026-11-28T01:37:40Z"}"#,
        #"{"type":"data","topic":"falco","data":{"provider":"aws","event_name":"Write below etc","resource_type":"container","resource_id":"d206a2ea9791371089","user_identity":{"Type":"AssumedRole","PrincipalID":"","ARN":"arn:aws:sts::230446364776:assumed-role/Admin/alice@corp.example","AccountID":"230446364776","UserName":"alice@corp.example"},"changes":{"output":"File below /etc opened for writing (user=root command=vi /etc/passwd file=/etc/passwd)"},"region":"us-east-1"},"timestamp":"2026-11-28T01:37:40Z"}"#,
        #"{"type":"falco","topic":"events","timestamp":"2025-01-15T10:15:30Z","payload":{"severity":"critical","rule":"Unauthorized Process Execution","output":"sh ran","container_id":"abc123"}}"#,
        #"{"type":"state_change","topic":"state","timestamp":"2025-01-15T10:15:30Z","payload":{"resource":"aws_instance.web","action":"update","serial":42}}"#,
        // The inline summary's bound: 16 members shown besides `action`, and 16 of 17.
        #"{"type":"data","topic":"state_change","data":{"changes":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"action":"x","h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16}}}"#,
        #"{"type":"data","topic":"state_change","data":{"changes":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":null}}}"#,
    ]

    @Test func theCorpusTakesTheDirectPathAndMatchesTheGeneralOne() {
        for line in Self.corpus {
            #expect(Self.takesDirectPath(line), "general path taken for \(line)")
            let (direct, general) = Self.both(line)
            #expect(direct.count == 1)
            #expect(direct == general, "\(line)")
        }
        // A frame of them, newline-joined as the real server sends.
        let (direct, general) = Self.both(Self.corpus.joined(separator: "\n"))
        #expect(direct.count == Self.corpus.count && direct == general)
    }

    /// `tail` asks for no raw lines: the same records on both paths, with nothing in `raw`; a frame of a
    /// hundred thousand newlines sizes its array by the cap, not by the newlines.
    @Test func withoutRawLinesTheRecordsAreTheSameAndTheirRawIsEmpty() {
        var frame = Array(Self.corpus.joined(separator: "\n").utf8)
        frame += Array(repeating: UInt8(ascii: "\n"), count: 100_000)
        frame += Array(#"{"type":"data","topic":"drift","data":not-json}"#.utf8)
        let kept = Ingest.items(fromFrame: frame, receivedAt: Self.receivedAt)
        let bare = Ingest.items(fromFrame: frame, receivedAt: Self.receivedAt, keepingRaw: false)
        #expect(kept.count == Self.corpus.count + 1 && bare == kept.map { Ingest.withRaw($0, "") })
        #expect(kept.contains { if case .drift(let d) = $0 { !d.raw.isEmpty } else { false } }, "the dashboard keeps them")
        frame.withUnsafeBufferPointer { bytes in
            #expect(FrameDecoder.lineCount(bytes) == 4096)
            #expect(FrameDecoder.lineCount(UnsafeBufferPointer(rebasing: bytes[0..<10])) == 1)
        }
    }

    /// A server that echoes a credential back: hidden in every field and in the raw line `r` shows, on the
    /// direct path as on the general one (the raw text of a plain line once skipped the sanitiser).
    @Test func anEchoedCredentialIsHiddenInFieldsAndRawText() throws {
        let token = "direct-token-7Hq2v9ZkQ"
        Secrets.register(token)
        let line = #"{"type":"data","topic":"drift","data":{"attribute":"password","new_value":""# + token + #"","resource_id":"db-1","resource_type":"aws_db_instance","user":""# + token + #""}}"#
        #expect(Self.takesDirectPath(line))
        let (direct, general) = Self.both(line)
        #expect(direct == general)
        guard case .drift(let drift) = try #require(direct.first) else { Issue.record("not a drift"); return }
        #expect(drift.newValue == Secrets.mask && drift.user == Secrets.mask)
        #expect(!drift.raw.contains(token) && drift.raw.contains(Secrets.mask), "\(drift.raw)")
    }

    @Test func unusualLinesAreLeftToTheGeneralPath() {
        let unusual = [
            #"{"type":"data","topic":"drift","data":{"old_value":"caf\u00e9"}}"#,  // an escape
            #"{"type":"data","topic":"drift","data":{"old_value":"café"}}"#,  // not ASCII
            #"{"type":"data","topic":"drift","data":{"old_value":{"Action":"*"}}}"#,  // shown as JSON
            #"{"type":"data","topic":"drift","data":{"old_value":1.5}}"#,  // printed back differently
            #"{"type":"data","topic":"drift","data":{"old_value":-0}}"#,
            #"{"type":"data","topic":"drift","data":{},"payload":{}}"#,  // two bodies
            #"{"type":"data","topic":"drift","data":"x"}"#,
            #"{"type":"connected","data":{"client_id":"c1","version":"0.14"}}"#,  // not a record
            #"{"type":"data","topic":"falco","data":{"changes":"x"}}"#,
            #"{"type":"data","topic":"state_change","data":{"changes":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"r":18}}}"#,
            #"{"type":"data","topic":"drift","data":{"x":1e3}}"#,
            #"{"type":"data","topic":"drift","data":{"severity":"high"},}"#,  // malformed
            #"{"type":"data","topic":"drift","data":{"severity":"high"}"#,
        ]
        for line in unusual {
            #expect(!Self.takesDirectPath(line), "direct path taken for \(line)")
            let (direct, general) = Self.both(line)
            #expect(direct == general, "\(line)")
        }
    }

    /// Seeded message-like lines: envelope and body keys in random order, duplicated, with values of every kind
    /// (the edge cases of each), and a share of them mutated byte by byte.
    struct Generator {
        var random: SplitMix64
        mutating func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        mutating func pick(_ options: [String]) -> String { options[below(options.count)] }

        mutating func space() -> String { pick(["", "", "", " ", "  "]) }

        mutating func scalar() -> String {
            switch below(40) {
            case 0: return "null"
            case 1: return pick(["true", "false"])
            case 2: return pick(["0", "-0", "7", "-42", "123456789012345", "1234567890123456", "01", "1.5", "2e3", "-", "1.", "00"])
            case 3: return "\"" + String(repeating: pick(["a", "b c", "x", "y", "é"]), count: below(3) == 0 ? 300 + below(2000) : below(20)) + "\""
            case 4 where below(3) == 0: return pick([#""caf\u00e9""#, #""tab\there""#, #""q\"q""#, "\"\u{1B}[31m\"", "\"\u{202E}exe\"", "\"\u{7F}\""])
            case 5: return pick(["\"2026-11-27T03:01:43Z\"", "\"2026-08-10T18:30:01.5+09:00\"", "\"yesterday\"", "\"\"", "\"2026-13-01T00:00:00Z\""])
            case 6 where below(2) == 0: return "[" + (0..<below(3)).map { _ in scalar() }.joined(separator: ",") + "]"
            case 7 where below(2) == 0: return "{" + (0..<below(3)).map { _ in "\"k\(below(4))\":" + scalar() }.joined(separator: ",") + "}"
            default: return "\"" + pick(["high", "CRITICAL", "warning", "", "aws_instance", "web", "i-0abc", "deny", "alice", "arn:aws:iam::1:user/bob", "x.y z", "weird-sev"]) + "\""
            }
        }

        mutating func member(_ keys: [String], _ value: (inout Generator) -> String) -> String {
            "\"" + pick(keys) + "\"" + space() + ":" + space() + value(&self)
        }

        mutating func object(_ count: Int, _ keys: [String], _ value: (inout Generator) -> String) -> String {
            "{" + space() + (0..<count).map { _ in member(keys, value) }.joined(separator: space() + "," + space()) + space() + "}"
        }

        mutating func body() -> String {
            let keys = BodyField.allCases.map(\.key) + ["changes", "matched_rules", "labels", "rule", "output"]
            return object(below(10), keys) { g in
                switch g.below(10) {
                case 0: return g.object(g.below(5), IdentityField.allCases.map(\.key) + ["Type", "AccountID"]) { $0.scalar() }
                case 1: return g.object(g.below(g.below(4) == 0 ? 20 : 5), ["action", "output", "serial", "k", "key with space"]) { $0.scalar() }
                default: break
                }
                return g.scalar()
            }
        }

        mutating func line() -> String {
            let types = ["\"data\"", "\"drift\"", "\"unmanaged\"", "\"policy_decision\"", "\"remediation_proposal\"", "\"falco\"", "\"connected\"", "\"stats\"", "\"nope\"", "7", "null"]
            let topics = ["\"drift\"", "\"unmanaged\"", "\"policy_decision\"", "\"remediation_proposal\"", "\"state_change\"", "\"falco\"", "\"x\"", "\"\"", "null", "3"]
            // Mostly what the direct path takes, so both sides of each of its edges are compared often.
            let type = below(2) == 0 ? "\"data\"" : pick(types)
            let topic = below(2) == 0 ? pick(Array(topics.prefix(3)) + ["\"falco\"", "\"state_change\""]) : pick(topics)
            var members = ["\"type\":" + type, "\"topic\":" + topic, "\"data\":" + body()]
            for _ in 0..<below(3) {
                switch below(5) {
                case 0: members.append("\"timestamp\":" + scalar())
                case 1: members.append("\"payload\":" + body())
                case 2: members.append("\"data\":" + (below(2) == 0 ? body() : scalar()))
                case 3: members.append("\"type\":" + pick(types))
                default: members.append("\"extra\":" + scalar())
                }
            }
            for i in members.indices.reversed() { members.swapAt(i, below(i + 1)) }
            return space() + "{" + members.joined(separator: space() + "," + space()) + "}" + space()
        }

        mutating func mutate(_ text: String) -> String {
            var b = Array(text.utf8)
            guard !b.isEmpty else { return text }
            let i = below(b.count)
            switch below(4) {
            case 0: b.remove(at: i)
            case 1: b.insert(b[i], at: i)
            case 2: b[i] = UInt8(0x20 + below(0x5F))
            default: b = Array(b.prefix(i))
            }
            return String(decoding: b, as: UTF8.self)
        }
    }

    @Test func randomLinesGiveIdenticalItemsOnBothPaths() {
        var generator = Generator(random: SplitMix64(seed: 0xD1EC7))
        var directly = 0
        let total = 6000
        for n in 0..<total {
            var lines = (0..<(1 + generator.below(3))).map { _ in generator.line() }
            if n % 3 == 0 { lines[0] = generator.mutate(lines[0]) }
            directly += lines.filter(Self.takesDirectPath).count
            let frame = lines.joined(separator: "\n")
            let (direct, general) = Self.both(frame)
            #expect(direct == general, "\(frame)")
            if direct != general { return }
        }
        // The generator aims at the direct path's edges; a fair share of lines must land on it for the
        // comparison to mean anything.
        #expect(directly > total / 6, "only \(directly) lines took the direct path")
    }
}
