import Testing
@testable import TFDriftCore
import TFDriftWire

/// `b` in the detail view: what depends on a drifted resource, from the server's resource graph. The answers come
/// from outside, so every one of them (empty, 400, 404, huge, hostile, late) is tried here through the reducer.
struct BlastRadiusTests {
    static let id = "i-0abc/web"

    static func node(_ id: String, type: String = "aws_instance", name: String = "x") -> JSONValue {
        ["id": .string(id), "labels": ["Resource", "EC2"], "properties": ["type": .string(type), "name": .string(name)]]
    }

    static func impact(_ nodes: [JSONValue], distances: [(String, JSONValue)], affected: JSONValue? = nil) -> RestOutcome {
        var data: [(key: String, value: JSONValue)] = [("node_id", .string(id)), ("depth", 3), ("nodes", .array(nodes))]
        data.append(("distances", .object(JSONObject(distances.map { (key: $0.0, value: $0.1) }))))
        if let affected { data.append(("affected_count", affected)) }
        return .body(["success": true, "data": .object(JSONObject(data))])
    }

    static func dependents(_ ids: [String]) -> RestOutcome {
        .body(["success": true, "data": ["node_id": .string(id), "count": .number(Double(ids.count)), "dependents": .array(ids.map { node($0) })]])
    }

    /// One server (or several), one drift of `id` open in the detail view.
    static func detailOpen(servers: Int = 1, driftServer: Int = 0, id: String = BlastRadiusTests.id) -> State {
        var state = State(servers: (0..<servers).map { ServerState(name: "s\($0)", settings: Settings(url: "ws://s\($0)/ws"), topics: [.drifts]) })
        _ = Reducer.reduce(&state, .started(at: 100))
        var drift = DriftRecord(receivedAt: 100, severity: .critical, resourceType: "aws_instance", resourceName: "web", resourceID: id, attribute: "ami")
        drift.server = driftServer
        state.feed.drifts.append(drift)
        _ = Reducer.reduce(&state, .command(.openDetail))
        return state
    }

    @Test func bAsksBothGraphRoutesOfTheDriftsOwnServerAndShowsTheNearestDependentsFirst() throws {
        var state = Self.detailOpen()
        let effects = Reducer.reduce(&state, .key(.character("b")))
        #expect(effects == [.fetch(.graphImpact(resourceID: Self.id, depth: 3)), .fetch(.graphDependents(resourceID: Self.id))])
        #expect(RestRequest.graphImpact(resourceID: Self.id, depth: 3).path == "/api/v1/graph/impact/i-0abc%2Fweb?depth=3")
        #expect(UIReducer.context(state) == .blastRadius)
        #expect(state.ui.detail?.blast?.impact == .loading)

        let nodes = [Self.node(Self.id), Self.node("sg-1", type: "aws_security_group"), Self.node("tg-1", type: "aws_lb_target_group"),
                     Self.node("r53", type: "aws_route53_record"), Self.node("vpc-1", type: "aws_vpc")]
        let distances: [(String, JSONValue)] = [(Self.id, 0), ("sg-1", 1), ("tg-1", 1), ("r53", 3), ("vpc-1", 2)]
        _ = Reducer.reduce(&state, .restResponse(.graphImpact(resourceID: Self.id, depth: 3), Self.impact(nodes, distances: distances, affected: 5), at: 101))
        _ = Reducer.reduce(&state, .restResponse(.graphDependents(resourceID: Self.id), Self.dependents(["tg-1", "r53"]), at: 101))
        let blast = try #require(state.ui.detail?.blast)
        #expect(blast.rows.map(\.id) == ["tg-1", "sg-1", "vpc-1", "r53"], "by depth, dependents first within a depth")
        #expect(blast.rows.map(\.dependent) == [true, false, false, true])
        guard case .found(let impact) = blast.impact else { Issue.record("no impact"); return }
        #expect(impact.affected == 4, "the server counts the resource itself; the client does not")
        #expect(impact.holdsResource)
    }

    @Test func enterOnANodeShowsWhatTheClientHoldsAboutItThroughEveryListPanesFilter() throws {
        var state = Self.detailOpen()
        state.feed.drifts.append(DriftRecord(receivedAt: 100, severity: .high, resourceType: "aws_security_group", resourceName: "web", resourceID: "sg-1abc", attribute: "ingress"))
        state.feed.events.append(EventRecord(receivedAt: 100, topic: .unmanaged, severity: .warning, title: "unmanaged", resource: "aws_security_group sg-1abc", detail: "", user: ""))
        _ = Reducer.reduce(&state, .key(.character("b")))
        _ = Reducer.reduce(&state, .restResponse(.graphImpact(resourceID: Self.id, depth: 3), Self.impact([Self.node("sg-1")], distances: [("sg-1", 1)]), at: 101))
        _ = Reducer.reduce(&state, .key(.enter))
        #expect(state.ui.detail == nil)
        #expect(state.ui.filters[.drifts]?.text == "res:sg-1" && state.ui.filters[.events]?.text == "res:sg-1" && state.ui.filters[.state]?.text == "res:sg-1")
        #expect(state.visibleCount(.drifts) == 1, "the security group's drift, not the instance's")
        #expect(state.visibleCount(.events) == 1)
        // A node id with blanks still makes one term that finds it.
        #expect(BlastRadius.filterTerm(for: BlastRadius.Node(id: "my bucket", type: "", name: "", depth: 1, dependent: false)) == "res:*my?bucket*")
        #expect(Filter("res:*my?bucket*").matches(DriftRecord(receivedAt: 0, severity: .low, resourceType: "t", resourceID: "the my bucket").filterFields))
    }

    @Test func emptyUnknownAndMissingGraphsAreSaidInWordsNotAsErrors() throws {
        for (outcome, expected) in [
            (Self.impact([], distances: []), BlastRadius.Answer<BlastRadius.Impact>.notInGraph),
            (.failure(status: 404, message: "404 page not found"), .notInGraph),
            (.failure(status: 400, message: "depth must be between 1 and 10"), .failed("HTTP 400: depth must be between 1 and 10")),
            (.failure(status: nil, message: "timed out after 10 s"), .failed("timed out after 10 s")),
            (.body(["success": true, "data": ["node_id": "x"]]), .failed("the answer has no list of nodes")),
        ] as [(RestOutcome, BlastRadius.Answer<BlastRadius.Impact>)] {
            var state = Self.detailOpen()
            _ = Reducer.reduce(&state, .key(.character("b")))
            _ = Reducer.reduce(&state, .restResponse(.graphImpact(resourceID: Self.id, depth: 3), outcome, at: 101))
            #expect(state.ui.detail?.blast?.impact == expected)
            #expect(state.diagnostics.errorCount == 0 || expected != .notInGraph)
        }
        // The graph holds the resource and nothing else: found, with no rows (not "not in the graph").
        var alone = Self.detailOpen()
        _ = Reducer.reduce(&alone, .key(.character("b")))
        _ = Reducer.reduce(&alone, .restResponse(.graphImpact(resourceID: Self.id, depth: 3), Self.impact([Self.node(Self.id)], distances: [(Self.id, 0)]), at: 101))
        guard case .found(let impact) = alone.ui.detail?.blast?.impact else { Issue.record("not found"); return }
        #expect(impact.holdsResource && impact.nodes.isEmpty)
    }

    @Test func aHugeOrHostileAnswerIsBoundedCleanedAndCounted() throws {
        var nodes = (0..<20_000).map { Self.node("n\($0)") }
        nodes += [Self.node("n1"), ["labels": ["Resource"]], Self.node(String(repeating: "x", count: 5000)), Self.node("\u{1b}[2Jevil\u{7}")]
        let distances: [(String, JSONValue)] = [("n0", 1e300), ("n1", -1), ("n2", 2.5), ("n3", .string("1")), ("n4", 11), ("n5", 2), ("\u{1b}[2Jevil\u{7}", 1)]
        let answer = BlastRadius.impact(from: RestSync.lookup(from: Self.impact(nodes, distances: distances, affected: 1e300)), resource: Self.id)
        guard case .found(let impact) = answer else { Issue.record("not found: \(answer)"); return }
        #expect(impact.nodes.count == BlastRadius.maximumNodes)
        #expect(impact.leftOut == nodes.count - BlastRadius.maximumNodes, "repeated, unnamed, oversized and past the cap: counted")
        #expect(impact.affected == nodes.count, "an unbelievable affected_count is not shown; what was listed is")
        #expect(impact.nodes.prefix(6).map(\.depth) == [nil, nil, nil, nil, nil, 2], "only whole hops in 1…10 are believed")
        // The hostile id was past the cap here; on its own it is cleaned before anything shows it.
        let hostile = BlastRadius.impact(from: RestSync.lookup(from: Self.impact([Self.node("\u{1b}[2Jevil\u{7}")], distances: [])), resource: Self.id)
        guard case .found(let small) = hostile else { Issue.record("not found"); return }
        #expect(small.nodes.first?.id == Sanitizer.clean("\u{1b}[2Jevil\u{7}", limit: 300))
        #expect(small.nodes.first?.id.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7f } == true)
        // The dependents answer is bounded too, and repeats collapse.
        let many = BlastRadius.dependents(from: RestSync.lookup(from: Self.dependents(Array(repeating: "d", count: 10) + (0..<5000).map { "d\($0)" })))
        guard case .found(let ids) = many else { Issue.record("no dependents"); return }
        #expect(ids.count == 1 + 4 * BlastRadius.maximumNodes - 10, "the first \(4 * BlastRadius.maximumNodes) listed, repeats once")
    }

    @Test func escCancelsALateAnswerFindsNobodyAndAnotherServersAnswerIsNotTaken() {
        var state = Self.detailOpen(servers: 2, driftServer: 1)
        let effects = Reducer.reduce(&state, .key(.character("b")))
        #expect(effects == [.server(1, .fetch(.graphImpact(resourceID: Self.id, depth: 3))), .server(1, .fetch(.graphDependents(resourceID: Self.id)))])
        let answer = Self.impact([Self.node("sg-1")], distances: [("sg-1", 1)])
        _ = Reducer.reduce(&state, .server(0, .restResponse(.graphImpact(resourceID: Self.id, depth: 3), answer, at: 101)))
        #expect(state.ui.detail?.blast?.impact == .loading, "the same id on another server is another resource")
        _ = Reducer.reduce(&state, .key(.escape))
        #expect(state.ui.detail?.blast == nil && state.ui.detail != nil, "Esc goes back to the detail")
        _ = Reducer.reduce(&state, .server(1, .restResponse(.graphImpact(resourceID: Self.id, depth: 3), answer, at: 130)))
        #expect(state.ui.detail?.blast == nil, "a late answer opens nothing")
    }

    @Test func anItemThatNamesNoResourceOrCannotBeLookedUpSaysWhyAndAsksNothing() {
        for (id, why) in [("..", "cannot be looked up"), ("", "names no resource id")] {
            var state = Self.detailOpen(id: id)
            #expect(Reducer.reduce(&state, .key(.character("b"))).isEmpty)
            guard case .failed(let text) = state.ui.detail?.blast?.impact else { Issue.record("no reason for \(id)"); continue }
            #expect(text.contains(why))
        }
        // An event names its resource in the message: the id is read from what was received.
        var state = Self.detailOpen()
        var event = EventRecord(receivedAt: 100, topic: .unmanaged, severity: .warning, title: "unmanaged", resource: "aws_s3_bucket logs")
        event.raw = "{\"type\":\"unmanaged\",\"data\":{\"resource_id\":\"logs-bucket\",\"resource_type\":\"aws_s3_bucket\"}}"
        state.feed.events.append(event)
        state.ui.detail = nil
        state.ui.focus = .events
        _ = Reducer.reduce(&state, .command(.openDetail))
        #expect(Reducer.reduce(&state, .key(.character("b"))) == [.fetch(.graphImpact(resourceID: "logs-bucket", depth: 3)), .fetch(.graphDependents(resourceID: "logs-bucket"))])
    }

    @Test func aRecordedGraphRequestOutsideWhatTheClientAsksIsDamaged() {
        #expect(RestRequest.graphImpact(resourceID: "a", depth: 3).implausible == nil)
        #expect(RestRequest.graphImpact(resourceID: "a", depth: 11).implausible?.contains("depth") == true)
        #expect(RestRequest.graphImpact(resourceID: "..", depth: 3).implausible != nil)
        #expect(RestRequest.graphDependents(resourceID: ".").implausible != nil)
    }
}
