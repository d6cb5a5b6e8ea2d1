import Testing
@testable import TFDriftWire

/// Every message shape from `shared/reference/tfdrift-protocol.md` (the real server) and
/// `seed-websocket-api.md` (the documented API), decoded through the one entry point.
struct FrameDecoderTests {
    static let realWelcome = #"{"type":"connected","topic":"","data":{"client_id":"06a537c4-8148-4b07-9b00-c25aff7cc200","features":["provider_filter","drift_results","discovery_progress","provider_status"],"message":"Connected to TFDrift-Falco WebSocket v0.9.0","topics":["drifts","events","state","drift_result","discovery_progress","provider_status","unmanaged_resource","all"],"version":"0.9.0"},"timestamp":"2026-11-27T03:01:43Z"}"#
    static let coarseDrift = #"{"type":"data","topic":"drift","data":{"attribute":"(resource modified out-of-band)","matched_rules":null,"new_value":"ModifyInstanceAttribute","old_value":null,"resource_id":"i-0demoweb0000001","resource_name":"web","resource_type":"aws_instance","severity":"medium","timestamp":"","user_identity":{"Type":"","PrincipalID":"","ARN":"arn:aws:sts::230446364776:assumed-role/Admin/alice@corp.example","AccountID":"230446364776","UserName":"alice@corp.example"}},"timestamp":"2026-08-10T09:30:01Z"}"#
    static let unmanaged = #"{"type":"data","topic":"unmanaged","data":{"changes":{"instance_type":"t3.micro"},"event_name":"RunInstances","reason":"Resource i-0new123 (aws_instance) is not found in Terraform state","resource_id":"i-0new123","resource_type":"aws_instance","severity":"warning","timestamp":"","user_identity":{"Type":"IAMUser","PrincipalID":"AIDAEXAMPLE","ARN":"arn:aws:iam::123456789012:user/bob","AccountID":"123456789012","UserName":"bob"}},"timestamp":"2026-08-10T09:31:00Z"}"#
    static let policy = #"{"type":"data","topic":"policy_decision","data":{"attribute":"instance_type","decision":"deny","labels":null,"reason":"prod instances are immutable","resource_id":"i-0abc","resource_type":"aws_instance","severity":"high"},"timestamp":""}"#
    static let documentedDrift = #"{"type":"drift","topic":"drifts","timestamp":"2025-01-15T10:00:00Z","payload":{"severity":"critical","resource_type":"aws_iam_policy","resource_id":"ANPAI23HZ27SI6FQMGNQ2","old_value":"...","new_value":"...","user":"john.doe@example.com"}}"#

    @Test func realWelcomeIsRecognisedWithItsData() throws {
        let frame = FrameDecoder.decode(Self.realWelcome)
        #expect(frame.failures.isEmpty)
        let message = try #require(frame.messages.first)
        #expect(message.kind == .welcome(.real))
        #expect(message.body["version"]?.stringValue == "0.9.0")
        #expect(message.body["topics"]?.arrayValue?.count == 8)
    }

    @Test func documentedWelcomeUsesPayload() throws {
        let text = #"{"type":"welcome","payload":{"message":"Connected to TFDrift-Falco WebSocket","client_id":"client-uuid-here"}}"#
        let message = try #require(FrameDecoder.decode(text).messages.first)
        #expect(message.kind == .welcome(.documented))
        #expect(message.body["client_id"]?.stringValue == "client-uuid-here")
        #expect(message.topic == "")
        #expect(message.timestamp == "")
    }

    @Test(arguments: [
        (#"{"type":"subscribed","topic":"drift","data":{"status":"success"},"timestamp":"2026-11-27T03:01:51Z"}"#, MessageKind.subscribed, "drift"),
        (#"{"type":"unsubscribed","topic":"drift","data":{"status":"success"},"timestamp":"x"}"#, .unsubscribed, "drift"),
        (#"{"type":"filter_set","topic":"","data":{"provider":"aws"},"timestamp":"x"}"#, .filterSet, ""),
        (#"{"type":"pong","topic":"","data":null,"timestamp":"x"}"#, .pong, ""),
        (#"{"type":"pong","timestamp":"2025-01-15T10:00:00Z"}"#, .pong, ""),
        (#"{"type":"error","topic":"","data":null,"timestamp":"x","error":"Query not implemented yet"}"#, .error, ""),
        (#"{"type":"error","topic":"","data":null,"timestamp":"x","error":"Invalid message format"}"#, .error, ""),
        (#"{"type":"error","topic":"","data":null,"timestamp":"x","error":"Unknown message type: bogus"}"#, .error, ""),
    ])
    func controlReplies(text: String, kind: MessageKind, topic: String) throws {
        let message = try #require(FrameDecoder.decode(text).messages.first)
        #expect(message.kind == kind)
        #expect(message.topic == topic)
    }

    @Test func errorReplyCarriesItsText() throws {
        let text = #"{"type":"error","topic":"","data":null,"timestamp":"x","error":"Unknown message type: bogus"}"#
        let message = try #require(FrameDecoder.decode(text).messages.first)
        #expect(message.error == "Unknown message type: bogus")
    }

    @Test(arguments: [
        (coarseDrift, EventTopic.drift),
        (unmanaged, .unmanaged),
        (policy, .policyDecision),
        (#"{"type":"data","topic":"remediation_proposal","data":{"id":"u","status":"pending"},"timestamp":""}"#, .remediationProposal),
        (#"{"type":"data","topic":"falco","data":{"provider":"aws","event_name":"x"},"timestamp":""}"#, .falco),
        (#"{"type":"data","topic":"state_change","data":{"resource_type":"t","resource_id":"i","changes":null},"timestamp":""}"#, .stateChange),
        (#"{"type":"data","topic":"discovery_progress","data":{"provider":"aws","count":3,"phase":"started"},"timestamp":""}"#, .other("discovery_progress")),
        (documentedDrift, .drift),
        (#"{"type":"falco","topic":"events","timestamp":"2025-01-15T10:15:30Z","payload":{"severity":"critical","rule":"Unauthorized Process Execution","output":"...","container_id":"abc123"}}"#, .falco),
        (#"{"type":"state_change","topic":"state","timestamp":"2025-01-15T10:20:00Z","payload":{"resource":"aws_iam_policy.example","action":"modified","serial":43}}"#, .stateChange),
    ])
    func eventsOfBothDialects(text: String, topic: EventTopic) throws {
        let frame = FrameDecoder.decode(text)
        #expect(frame.failures.isEmpty)
        let message = try #require(frame.messages.first)
        #expect(message.kind == .event(topic))
        #expect(message.body.objectValue != nil)
    }

    @Test func realServerBodyIsDataAndDocumentedIsPayload() throws {
        let real = try #require(FrameDecoder.decode(Self.coarseDrift).messages.first)
        #expect(real.body["old_value"] == .null)
        #expect(real.body["user_identity"]?["UserName"]?.stringValue == "alice@corp.example")
        #expect(real.body["matched_rules"] == .null)
        let documented = try #require(FrameDecoder.decode(Self.documentedDrift).messages.first)
        #expect(documented.body["user"]?.stringValue == "john.doe@example.com")
    }

    @Test func newlineJoinedBatchYieldsEveryObjectInOrder() {
        let batch = [Self.realWelcome, #"{"type":"subscribed","topic":"all","data":{"status":"success"},"timestamp":""}"#,
                     #"{"type":"pong","topic":"","data":null,"timestamp":""}"#, Self.coarseDrift].joined(separator: "\n")
        let frame = FrameDecoder.decode(batch)
        #expect(frame.failures.isEmpty)
        #expect(frame.messages.map(\.kind) == [.welcome(.real), .subscribed, .pong, .event(.drift)])
    }

    @Test func emptyLinesAndCarriageReturnsAreSkipped() {
        let text = "\n\r\n  \n" + Self.policy + "\r\n\n" + Self.unmanaged + "\n"
        let frame = FrameDecoder.decode(text)
        #expect(frame.failures.isEmpty)
        #expect(frame.messages.count == 2)
    }

    @Test func malformedLinesAreReportedWithoutLosingTheGoodOnes() {
        let text = [Self.policy, "{not json", "[1,2]", #"{"topic":"drift"}"#, #"{"type":5}"#, Self.unmanaged].joined(separator: "\n")
        let frame = FrameDecoder.decode(text)
        #expect(frame.messages.count == 2)
        #expect(frame.failures.count == 4)
        #expect(frame.failures[1].error == .notAnObject)
        #expect(frame.failures[2].error == .missingType)
        #expect(frame.failures[0].excerpt == "{not json")
    }

    @Test func unknownTypesAreKeptNotDropped() throws {
        let message = try #require(FrameDecoder.decode(#"{"type":"brand_new","topic":"x","data":{"a":1},"extra":true}"#).messages.first)
        #expect(message.kind == .unknown)
        #expect(message.type == "brand_new")
        #expect(message.raw["extra"] == .bool(true))
    }

    @Test func valuesOfEveryJSONTypeSurvive() throws {
        let text = #"{"type":"data","topic":"drift","data":{"old_value":null,"new_value":{"a":[1,2.5,-3e2,true,false,null,"s"]},"n":0,"b":true,"s":"\u00e9\ud83d\ude00"},"timestamp":""}"#
        let message = try #require(FrameDecoder.decode(text).messages.first)
        #expect(message.body["old_value"] == .null)
        #expect(message.body["new_value"] == ["a": [1, 2.5, -300, true, false, nil, "s"]])
        #expect(message.body["s"]?.stringValue == "é😀")
        #expect(message.body["n"] == 0)
    }

    @Test func largeBatchOf256ObjectsDecodes() {
        let text = Array(repeating: Self.coarseDrift, count: 256).joined(separator: "\n")
        let frame = FrameDecoder.decode(text)
        #expect(frame.messages.count == 256)
        #expect(frame.failures.isEmpty)
    }
}
