import Testing
@testable import TFDriftCore
import TFDriftWire

/// The store's side of the second hostile round: numbers a recording (or a server) chose that reached unchecked
/// arithmetic, acknowledgements nobody asked for, and resource ids that became other REST paths.
struct HostileRoundTwoTests {
    static func started() -> State {
        var state = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 0))
        return state
    }

    /// A replayed request is the recording's word: pages and limits the client never asks for reached
    /// `(page - 1) * limit` and `prefix(limit)` and trapped (arithmetic overflow, a negative count).
    @Test(arguments: [(1 << 53, 1 << 53), (1, -1), (0, 250), (-3, 1), (Int.max, 2), (2, 251)])
    func anAnswerToAPageTheClientNeverAsksForIsMalformedNotATrap(page: Int, limit: Int) {
        #expect(RestRequest.drifts(page: page, limit: limit).implausible != nil)
        #expect(RestRequest.history(page: page, limit: limit, from: 0, total: 2).implausible != nil)
        var state = Self.started()
        let body: JSONValue = ["success": true, "data": ["data": [["resource_id": "i-1"]], "total": 3]]
        _ = Reducer.reduce(&state, .restResponse(.drifts(page: page, limit: limit), .body(body), at: 1))
        _ = Reducer.reduce(&state, .restResponse(.history(page: page, limit: limit, from: 0, total: 2), .body(body), at: 2))
        #expect(state.diagnostics.malformed == 2)
        #expect(state.feed.drifts.count == 0, "nothing of an impossible page is shown")
        #expect(state.servers[0].rest.cursor == nil)
    }

    @Test func theRequestsTheClientMakesArePlausible() {
        for request in [RestRequest.drifts(page: 1, limit: 1), .drifts(page: 1 << 53, limit: 1), .drifts(page: 7, limit: 250),
                        .history(page: 1, limit: 250, from: 0, total: 2), .history(page: 3, limit: 250, from: 600, total: 700)] {
            #expect(request.implausible == nil, "\(request)")
        }
        #expect(RestRequest.history(page: 1, limit: 250, from: 5, total: 5).implausible != nil)
        #expect(RestRequest.history(page: 1, limit: 250, from: 0, total: -1).implausible != nil)
        #expect(RestRequest.driftContext(resourceID: "..").implausible != nil)
    }

    /// Every `subscribed` reply was stored whatever its topic, and every action copied the growing table.
    @Test func acknowledgementsOfTopicsNeverAskedForAreCountedAndDropped() {
        var state = Self.started()
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 1))
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.control(.welcome(dialect: .real, version: "0.14", clientID: "c"))], at: 1))
        #expect(state.servers[0].connection.subscriptions == ["drift": .sent])
        var batch: [Incoming] = []
        for i in 0..<100_000 {
            batch.append(.control(.subscribed("unasked-\(i)")))
            if batch.count == 1000 {
                _ = Reducer.reduce(&state, .received(generation: 1, items: batch, at: 2))
                batch.removeAll()
            }
        }
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.control(.subscribed("drift"))], at: 3))
        #expect(state.servers[0].connection.subscriptions == ["drift": .acknowledged], "only what was asked for is kept")
        #expect(state.diagnostics.unrequestedAcks == 100_000)
        // Reported at 1, 10, 100, … 100,000: the problem log says so without growing with the flood.
        let reports = (0..<state.diagnostics.problems.nextSeq).compactMap { state.diagnostics.problems[$0] }
            .compactMap { problem -> String? in
                guard case .unaskedAcknowledgement(let what, _) = problem.kind else { return nil }
                return what
            }
        #expect(reports.count == 6)
        #expect(reports.last == "100000 topics", "\(reports)")
        // A subscription the operator typed is asked for too.
        _ = Reducer.reduce(&state, .command(.send(.subscribe("falco"))))
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.control(.subscribed("falco"))], at: 4))
        #expect(state.servers[0].connection.subscriptions["falco"] == .acknowledged)
        #expect(state.diagnostics.unrequestedAcks == 100_000)
    }

    static func detail(of id: String) -> (State, [Effect]) {
        var state = Self.started()
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 1))
        let text = JSONValue.object(JSONObject([
            (key: "type", value: "drift"),
            (key: "payload", value: .object(JSONObject([(key: "resource_type", value: "aws_x"), (key: "resource_id", value: .string(id))])))
        ])).jsonText
        _ = Reducer.reduce(&state, .received(generation: 1, items: Ingest.items(from: FrameDecoder.decode(text), receivedAt: 2), at: 2))
        _ = Reducer.reduce(&state, .key(.enter))
        let effects = Reducer.reduce(&state, .key(.character("c")))
        return (state, effects)
    }

    /// `..` and `.` asked for `/api/v1/drifts/..`: dot-segments that a normalising proxy turns into another endpoint.
    @Test(arguments: ["..", ".", ""])
    func anIdThatIsNotOnePathSegmentIsNeverPutInAPath(id: String) {
        let (state, effects) = Self.detail(of: id)
        #expect(effects.isEmpty, "asked: \(effects)")
        guard case .failed(let why)? = state.ui.detail?.context?.drift else {
            Issue.record("the context says nothing: \(String(describing: state.ui.detail?.context))")
            return
        }
        #expect(why.contains(id.isEmpty ? "names no resource id" : "cannot be looked up"), "\(why)")
    }

    /// Ids with controls were looked up by their cleaned text, which the server does not know.
    @Test func anIdIsLookedUpAsTheServerSentIt() {
        let id = "i-\u{1}abc\r\n/../x"
        let (state, effects) = Self.detail(of: id)
        #expect(effects == [.fetch(.driftContext(resourceID: id)), .fetch(.declaredResource(resourceID: id))])
        #expect(RestRequest.driftContext(resourceID: id).path == "/api/v1/drifts/i-%01abc%0D%0A%2F..%2Fx")
        let shown = state.feed.drifts[0]?.resourceID ?? ""
        #expect(shown != id && TerminalSafety.isClean(shown), "what is shown is still the cleaned text")
        // The answer is matched by the id it was asked with.
        var answered = state
        _ = Reducer.reduce(&answered, .restResponse(.driftContext(resourceID: id), .failure(status: 404, message: "x"), at: 3))
        #expect(answered.ui.detail?.context?.drift == .notFound)
    }
}
