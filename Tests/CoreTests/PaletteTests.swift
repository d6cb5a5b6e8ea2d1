import Testing
@testable import TFDriftCore
import TFDriftWire

struct PaletteMatchingTests {
    @Test func anEmptyLineListsEveryActionOnceThenTheCommands() {
        let names = Palette.matches("").map(\.name)
        #expect(names.count == Set(names).count)
        #expect(names.contains("quit"))
        #expect(names.last?.hasPrefix("theme <name") == true)
    }

    @Test func fuzzyMatchingPrefersWordStartsAndRuns() {
        #expect(Palette.matches("qui").first?.name == "quit")
        #expect(Palette.matches("cpy").first?.action == .run(.copySelected))
        #expect(Palette.matches("query").first?.action == .needsArgument("query"))
        #expect(Palette.matches("zzzzqx").isEmpty)
    }

    @Test(arguments: [
        ("query {\"resource\":\"aws_s3_bucket\"}", Palette.Outcome.query(["resource": "aws_s3_bucket"])),
        ("query", .invalid("query needs a JSON value, e.g. query {\"resource\":\"aws_s3_bucket\"}")),
        ("query {nope", .invalid("query: not valid JSON")),
        ("filter sev:crit type:aws_iam*", .run(.setFilter("sev:crit type:aws_iam*"))),
        ("subscribe events", .run(.setTopic(.events, subscribed: true))),
        ("unsubscribe drifts", .run(.setTopic(.drifts, subscribed: false))),
        ("subscribe bogus", .invalid("subscribe: unknown topic \"bogus\" (all, drifts, events, state, stats)")),
        ("provider aws", .run(.setProvider("aws"))),
        ("export /tmp/x.ndjson", .run(.export(path: "/tmp/x.ndjson"))),
        ("export", .run(.export(path: nil))),
        ("theme solarized-dark", .run(.setTheme("solarized-dark"))),
        ("theme", .invalid("theme needs a name: default, dark-256, light, high-contrast, solarized-dark, monochrome, or a file path")),
        ("ping", .run(.send(.ping))),
        ("quer", .complete("query ")),
        ("", .run(.toggleHelp)),
        ("zzzzqx", .invalid("no action or command matches \"zzzzqx\"")),
    ])
    func commands(text: String, outcome: Palette.Outcome) {
        #expect(Palette.outcome(of: PaletteState(text: text)) == outcome, "\(text)")
    }

    /// After `theme` or `subscribe`, the palette offers the arguments that match what is typed; Enter runs the
    /// selected one, and an argument typed whole (or unknown) runs as typed.
    @Test func argumentsAreCompleted() {
        let themes = ["default", "dark-256", "light", "solarized-dark"]
        #expect(Palette.matches("theme ", themes: themes).map(\.name) == themes.map { "theme " + $0 })
        #expect(Palette.matches("theme sol", themes: themes).map(\.name) == ["theme solarized-dark"])
        #expect(Palette.matches("subscribe ev", themes: themes).map(\.name) == ["subscribe events"])
        #expect(Palette.outcome(of: PaletteState(text: "theme sol"), themes: themes) == .run(.setTheme("solarized-dark")))
        var second = PaletteState(text: "theme d")
        second.selected = 1
        let offered = Palette.matches("theme d", themes: themes).map(\.name)
        #expect(offered.count >= 3 && offered.contains("theme dark-256"))
        #expect(Palette.outcome(of: second, themes: themes) == .run(.setTheme(String(offered[1].dropFirst("theme ".count)))))
        #expect(Palette.outcome(of: PaletteState(text: "unsubscribe st"), themes: themes) == .run(.setTopic(.state, subscribed: false)))
        // Nothing offered: the command's own entry, and the argument as typed (refused where it is wrong).
        #expect(Palette.matches("theme zzq", themes: themes).map(\.action) == [.needsArgument("theme")])
        #expect(Palette.outcome(of: PaletteState(text: "theme zzq"), themes: themes) == .run(.setTheme("zzq")))
        #expect(Palette.outcome(of: PaletteState(text: "theme ./mine.yaml"), themes: themes) == .run(.setTheme("./mine.yaml")))
        #expect(Palette.outcome(of: PaletteState(text: "subscribe zzq"), themes: themes)
            == .invalid("subscribe: unknown topic \"zzq\" (all, drifts, events, state, stats)"))
    }

    @Test func aQueryOverTheServersLimitIsRefusedBeforeSending() {
        let big = "query {\"q\":\"" + String(repeating: "x", count: 600) + "\"}"
        guard case .invalid(let why) = Palette.outcome(of: PaletteState(text: big)) else {
            Issue.record("a 600-byte query was accepted")
            return
        }
        #expect(why.contains("512"))
    }
}

struct PaletteReducerTests {
    static func store() -> StoreTester { InvestigateReducerTests.store() }

    @Test func colonOpensTypingNarrowsEnterRunsTheSelectedAction() {
        var store = Self.store()
        store.send(.key(.character(":"))) { $0.ui.palette = PaletteState() }
        for c in "maxim" {
            store.send(.key(.character(c))) { $0.ui.palette?.text.append(c) }
        }
        store.send(.key(.enter)) {
            $0.ui.palette = nil
            $0.ui.maximized = .drifts
        }
    }

    @Test func arrowsMoveTheSelectionAndWrap() {
        var store = Self.store()
        store.send(.key(.character(":"))) { $0.ui.palette = PaletteState() }
        let count = Palette.matches("").count
        store.send(.key(.up)) { $0.ui.palette?.selected = count - 1 }
        store.send(.key(.down)) { $0.ui.palette?.selected = 0 }
        store.send(.key(.escape)) { $0.ui.palette = nil }
    }

    @Test func aBadArgumentKeepsThePaletteOpenAndSaysWhy() {
        var store = Self.store()
        store.state.ui.palette = PaletteState(text: "subscribe nope")
        store.send(.key(.enter)) {
            $0.ui.palette?.feedback = .invalid("subscribe: unknown topic \"nope\" (all, drifts, events, state, stats)")
        }
    }

    @Test func filterFromThePaletteIsTheSameFilterAsTheSlashLine() {
        var store = Self.store()
        store.state.ui.palette = PaletteState(text: "filter sev:crit")
        store.send(.key(.enter)) {
            $0.ui.palette = nil
            $0.ui.filters[.drifts] = Filter("sev:crit")
        }
        #expect(store.state.visibleCount(.drifts) == 3)
    }

    @Test func providerIsSentNowAndRememberedForReconnects() {
        var store = Self.store()
        store.state.ui.palette = PaletteState(text: "provider gcp")
        store.send(.key(.enter), effects: [.send(generation: 1, .filter(provider: "gcp"))]) {
            $0.ui.palette = nil
            $0.servers[0].settings.provider = "gcp"
        }
    }

    @Test func aQueryIsSentAndTheServersErrorIsItsAnswerNotAClientError() {
        var store = Self.store()
        store.state.ui.palette = PaletteState(text: "query {\"resource\":\"x\"}")
        store.send(.key(.enter), effects: [.send(generation: 1, .query(["resource": "x"]))]) {
            $0.ui.palette?.feedback = .querySent
            $0.servers[0].connection.query = QueryExchange(request: "{\"resource\":\"x\"}", sentAt: 101)
        }
        store.send(.received(generation: 1, items: [.control(.error("Query not implemented yet"))], at: 102)) {
            $0.now = 102
            $0.servers[0].connection.lastFrameAt = 102
            $0.diagnostics.messagesReceived += 1
            $0.servers[0].connection.query?.answer = .error("Query not implemented yet")
            $0.servers[0].connection.query?.answeredAt = 102
            $0.ui.notice = Notice(.queryAnswered(.error("Query not implemented yet")), at: 102)
        }
        #expect(store.state.diagnostics.errorCount == 0)
        // The next error is the server's complaint again, counted as such.
        store.send(.received(generation: 1, items: [.control(.error("Invalid message format"))], at: 103)) {
            $0.now = 103
            $0.servers[0].connection.lastFrameAt = 103
            $0.diagnostics.messagesReceived += 1
            $0.diagnostics.serverErrors = 1
            $0.diagnostics.lastError = Problem(at: 103, .serverError("Invalid message format"))
            $0.diagnostics.problems.append(Problem(at: 103, .serverError("Invalid message format")))
        }
    }

    @Test func aQueryWithoutAnswerSaysSoAfterTheTimeout() {
        var store = Self.store()
        store.state.ui.palette = PaletteState(text: "query {}")
        store.send(.key(.enter), effects: [.send(generation: 1, .query([:]))]) {
            $0.ui.palette?.feedback = .querySent
            $0.servers[0].connection.query = QueryExchange(request: "{}", sentAt: 101)
        }
        store.send(.tick(at: 105)) { $0.now = 105 }
        store.send(.tick(at: 101 + Palette.queryTimeout)) {
            $0.now = 101 + Palette.queryTimeout
            $0.servers[0].connection.query?.answer = QueryNone.value
            $0.servers[0].connection.query?.answeredAt = 101 + Palette.queryTimeout
            $0.ui.notice = Notice(.queryAnswered(.none), at: 101 + Palette.queryTimeout)
        }
    }
}

/// `.none` spelled out: inside an optional, a bare `.none` would mean nil.
enum QueryNone {
    static let value: QueryExchange.Answer? = QueryExchange.Answer.none
}

struct HandOffTests {
    @Test func copyPutsTheSelectedItemsJSONOnTheClipboardAndConfirms() throws {
        var store = InvestigateReducerTests.store()
        let newest = try #require(store.state.feed.drifts.newestSeq)
        let json = try #require(store.state.itemJSON(.drifts, newest, withMessage: true))
        store.send(.key(.character("y")), effects: [.copyToClipboard(json.jsonText)]) {
            $0.ui.notice = Notice(.copied(bytes: json.jsonText.utf8.count), at: 101)
        }
        #expect(json["severity"] == "medium")
    }

    @Test func exportWritesWhatThePaneShowsAfterItsFilter() throws {
        var store = InvestigateReducerTests.store()
        store.state.ui.filters[.drifts] = Filter("sev:crit")
        let lines = store.state.exportLines(.drifts)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.contains("\"severity\":\"critical\"") })
        store.send(.command(.export(path: "/tmp/out.ndjson")), effects: [.writeFile(path: "/tmp/out.ndjson", lines: lines)])
        store.send(.exported(path: "/tmp/out.ndjson", lines: 3, error: nil)) {
            $0.ui.notice = Notice(.exported(path: "/tmp/out.ndjson", lines: 3), at: 101)
        }
    }

    @Test func withoutAPathTheExportIsNamedAfterThePaneAndTheTime() {
        var store = InvestigateReducerTests.store()
        let lines = store.state.exportLines(.drifts)
        store.send(.key(.character("e")), effects: [.writeFile(path: "tfdrift-drifts-19700101T000141Z.ndjson", lines: lines)])
    }
}

struct ContextAndStateSummaryTests {
    static func store() -> StoreTester {
        var state = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 100))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 100))
        let drift = DriftRecord(receivedAt: 100, severity: .critical, resourceType: "aws_iam_role", resourceName: "admin",
                                resourceID: "arn:aws:iam::1:role/admin", attribute: "max_session_duration", oldValue: "3600", newValue: "43200")
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.drift(drift)], at: 101))
        return StoreTester(state: state)
    }

    @Test func contextAsksForTheDriftAndTheDeclaredResourceAndShowsA404AsAnAnswer() {
        var store = Self.store()
        store.send(.key(.enter)) { $0.ui.detail = DetailState(pane: .drifts, seq: 0) }
        let id = "arn:aws:iam::1:role/admin"
        #expect(RestRequest.declaredResource(resourceID: id).path == "/api/v1/state/resource/arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fadmin")
        store.send(.key(.character("c")), effects: [.fetch(.driftContext(resourceID: id)), .fetch(.declaredResource(resourceID: id))]) {
            $0.ui.detail?.context = DriftContext(resourceID: id, lookupID: id)
        }
        let record: JSONValue = ["resource_id": .string(id), "severity": "critical"]
        store.send(.restResponse(.driftContext(resourceID: id), .body(["success": true, "data": record]), at: 102)) {
            $0.now = 102
            $0.ui.detail?.context?.drift = .found(record)
        }
        store.send(.restResponse(.declaredResource(resourceID: id), .failure(status: 404, message: "Resource not found"), at: 103)) {
            $0.now = 103
            $0.ui.detail?.context?.declared = .notFound
        }
        #expect(store.state.servers[0].rest.lastError == nil)
        // An answer for an item no longer open is dropped.
        store.send(.key(.escape)) { $0.ui.detail = nil }
        store.send(.restResponse(.driftContext(resourceID: id), .failure(status: 500, message: "boom"), at: 104)) { $0.now = 104 }
    }

    @Test func theStateSummaryIsReadAndASerialChangeBecomesAnEntry() {
        var store = Self.store()
        let summary: JSONValue = ["success": true, "data": ["lineage": "demo", "serial": 41, "resource_count": 120, "terraform_version": "1.9.0"]]
        store.send(.restResponse(.terraformState, .body(summary), at: 102)) {
            $0.now = 102
            $0.servers[0].rest.terraformState = .loaded(TerraformStateSummary(lineage: "demo", serial: 41, resourceCount: 120, terraformVersion: "1.9.0"))
        }
        #expect(store.state.feed.stateChanges.isEmpty)
        let next: JSONValue = ["success": true, "data": ["lineage": "demo", "serial": 42, "resource_count": 121, "terraform_version": "1.9.0"]]
        store.send(.restResponse(.terraformState, .body(next), at: 132)) {
            $0.now = 132
            $0.servers[0].rest.terraformState = .loaded(TerraformStateSummary(lineage: "demo", serial: 42, resourceCount: 121, terraformVersion: "1.9.0"))
            let change = StateRecord(receivedAt: 132, resource: "terraform state", action: "changed", detail: "serial 41 → 42 · resources 120 → 121")
            $0.feed.stateChanges.append(change)
            // A state change like any other: counted in the statistics.
            $0.feed.stats.record(kind: "state", severity: nil, resourceType: change.resourceType, at: 132)
        }
        store.send(.restResponse(.terraformState, .failure(status: 404, message: "Terraform state not loaded"), at: 162)) {
            $0.now = 162
            $0.servers[0].rest.terraformState = .notLoaded
        }
    }

    @Test func aBelievableSummaryOnlyImpossibleNumbersAreMalformed() {
        var store = Self.store()
        let summary: JSONValue = ["success": true, "data": ["lineage": "x", "serial": 1e300, "resource_count": -1]]
        _ = Reducer.reduce(&store.state, .restResponse(.terraformState, .body(summary), at: 102))
        #expect(store.state.servers[0].rest.terraformState == .loaded(TerraformStateSummary(lineage: "x", serial: nil, resourceCount: nil, terraformVersion: "")))
        #expect(store.state.diagnostics.malformed == 2)
    }

    @Test func theSummaryIsPolledEveryThirtySeconds() {
        var state = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts])
        _ = Reducer.reduce(&state, .started(at: 100))
        #expect(Reducer.reduce(&state, .tick(at: 101)).contains(.fetch(.terraformState)))
        #expect(!Reducer.reduce(&state, .tick(at: 120)).contains(.fetch(.terraformState)))
        #expect(Reducer.reduce(&state, .tick(at: 131)).contains(.fetch(.terraformState)))
    }
}

struct ThemeCommandTests {
    @Test func tCyclesThroughTheThemesTheFrontendFoundAndSaysWhich() {
        var store = InvestigateReducerTests.store()
        store.state.ui.themes = ["default", "dark-256", "light"]
        store.send(.key(.character("t"))) {
            $0.ui.theme = "dark-256"
            $0.ui.notice = Notice(.theme("dark-256"), at: 101)
        }
        store.send(.key(.character("t"))) {
            $0.ui.theme = "light"
            $0.ui.notice = Notice(.theme("light"), at: 101)
        }
        store.send(.key(.character("t"))) {
            $0.ui.theme = "default"
            $0.ui.notice = Notice(.theme("default"), at: 101)
        }
    }

    @Test func editedSettingsWaitForTheNextConnectionAttempt() {
        var store = InvestigateReducerTests.store()
        var next = store.state.servers[0].settings
        next.url = "ws://other:8080/ws"
        next.watchdog = 30
        store.send(.settingsReloaded(next)) { $0.servers[0].pendingSettings = next }
        #expect(store.state.servers[0].settings.url == "ws://x/ws", "the link in use keeps its address")
        var state = store.state
        _ = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("gone"), at: 102, jitter: 0))
        #expect(Reducer.reduce(&state, .retryDue(generation: 1)) == [.connect(generation: 2, url: "ws://other:8080/ws")])
        #expect(state.servers[0].settings.watchdog == 30 && state.servers[0].pendingSettings == nil)
        #expect(state.servers[0].settings.historyLimit == store.state.servers[0].settings.historyLimit)
    }
}
