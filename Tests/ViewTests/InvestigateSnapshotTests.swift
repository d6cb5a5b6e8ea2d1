import Foundation
import Testing
@testable import TFDriftCore
@testable import TFDriftView
import TFDriftTerminal
import TFDriftWire

/// Canvas snapshots of the investigation screens (compare with `Snapshots/`, `UPDATE_SNAPSHOTS=1` rewrites).
struct InvestigateSnapshotTests {
    /// A critical IAM drift whose old and new values are policy documents, as the real server sends it.
    static let iamDrift = #"{"type":"data","topic":"drift","data":{"attribute":"policy","matched_rules":["iam-policy-change","admin-access"],"new_value":{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"},{"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Resource":"arn:aws:s3:::audit-logs/*"}],"Version":"2012-10-17"},"old_value":{"Statement":[{"Action":["s3:GetObject"],"Effect":"Allow","Resource":"arn:aws:s3:::audit-logs/*"}],"Version":"2012-10-17"},"resource_id":"arn:aws:iam::230446364776:policy/deploy","resource_name":"deploy","resource_type":"aws_iam_policy","severity":"critical","timestamp":"","user_identity":{"Type":"AssumedRole","PrincipalID":"AROAEXAMPLE:alice","ARN":"arn:aws:sts::230446364776:assumed-role/Admin/alice@corp.example","AccountID":"230446364776","UserName":"alice@corp.example"}},"timestamp":"2026-11-27T03:00:40Z"}"#

    static func state(size: Size) -> State {
        var state = DashboardSnapshotTests.knownState()
        let items = Ingest.items(from: FrameDecoder.decode(iamDrift), receivedAt: state.now)
        _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: state.now))
        _ = Reducer.reduce(&state, .resized(width: size.width, height: size.height, pageRows: Layout.pageRows(size)))
        return state
    }

    func check(_ canvas: Canvas, _ name: String) throws {
        try DashboardSnapshotTests().check(canvas, name)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func detailOfADriftWithLongJSONValues(size: Size) throws {
        var state = Self.state(size: size)
        for key in "/type:aws_iam* sev:crit" { _ = Reducer.reduce(&state, .key(.character(key))) }
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .key(.enter))
        let canvas = state.render(size: size)
        #expect(canvas.text.contains("OLD") && canvas.text.contains("NEW"))
        #expect(canvas.text.contains("arn:aws:sts::230446364776:assumed-role/Admin/alice@corp.example") || size.width < 100)
        try check(canvas, "detail-\(size.width)x\(size.height)")
    }

    /// `b` on the IAM policy's drift: what depends on the policy, as the server's graph answers, nearest first.
    static func blastRadius(size: Size, answered: Bool = true) -> State {
        var state = Self.state(size: size)
        state.servers[0].settings.restEnabled = true
        for key in "/type:aws_iam* sev:crit" { _ = Reducer.reduce(&state, .key(.character(key))) }
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .key(.character("b")))
        guard answered else { return state }
        let id = "arn:aws:iam::230446364776:policy/deploy"
        let around: [(String, String, String, Int)] = [
            (id, "aws_iam_policy", "deploy", 0), ("AROA5EXAMPLEDEPLOY", "aws_iam_role", "deploy", 1), ("AROA5EXAMPLECI", "aws_iam_role", "ci", 1),
            ("arn:aws:iam::230446364776:instance-profile/web", "aws_iam_instance_profile", "web", 2), ("ingest", "aws_lambda_function", "ingest", 2),
            ("i-0demoweb", "aws_instance", "web", 3), ("i-0demoworker", "aws_instance", "worker", 3), ("sg-0a1b2c3d", "aws_security_group", "web_sg", 3),
        ]
        func node(_ n: (String, String, String, Int)) -> JSONValue {
            ["id": .string(n.0), "labels": ["Resource", .string(n.1)], "properties": ["type": .string(n.1), "name": .string(n.2)]]
        }
        let impact: JSONValue = [
            "success": true,
            "data": ["node_id": .string(id), "depth": 3, "affected_count": .number(Double(around.count)), "nodes": .array(around.map(node)),
                     "distances": .object(JSONObject(around.map { (key: $0.0, value: JSONValue.number(Double($0.3))) }))],
        ]
        let dependents: JSONValue = ["success": true, "data": ["node_id": .string(id), "count": 5, "dependents": .array(around[1...6].map(node))]]
        _ = Reducer.reduce(&state, .restResponse(.graphImpact(resourceID: id, depth: 3), .body(impact), at: state.now))
        _ = Reducer.reduce(&state, .restResponse(.graphDependents(resourceID: id), .body(dependents), at: state.now))
        return state
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func blastRadiusOfADrift(size: Size) throws {
        let canvas = Self.blastRadius(size: size).render(size: size)
        #expect(canvas.text.contains("6 depend on it"))
        #expect(canvas.text.contains("aws_iam_role") && canvas.text.contains("aws_security_group"))
        try check(canvas, "blast-radius-\(size.width)x\(size.height)")
    }

    /// One dependent is said in the singular.
    @Test func oneDependentDependsOnIt() {
        var state = Self.blastRadius(size: Size(width: 80, height: 24), answered: false)
        let id = "arn:aws:iam::230446364776:policy/deploy"
        let one: JSONValue = ["success": true, "data": ["node_id": .string(id), "count": 1, "dependents": [
            ["id": "i-0demoweb", "labels": ["Resource", "aws_instance"], "properties": ["type": "aws_instance", "name": "web"]],
        ]]]
        let web: JSONValue = ["id": "i-0demoweb", "labels": ["Resource", "aws_instance"], "properties": ["type": "aws_instance", "name": "web"]]
        let impact: JSONValue = ["success": true, "data": [
            "node_id": .string(id), "depth": 3, "affected_count": 1, "nodes": [web], "distances": ["i-0demoweb": 1],
        ]]
        _ = Reducer.reduce(&state, .restResponse(.graphImpact(resourceID: id, depth: 3), .body(impact), at: state.now))
        _ = Reducer.reduce(&state, .restResponse(.graphDependents(resourceID: id), .body(one), at: state.now))
        let text = state.render(size: Size(width: 80, height: 24)).text
        #expect(text.contains("1 depends on it"), "\(text)")
    }

    @Test func blastRadiusWhileAskingAndTheWidgetOnASmallRectangle() throws {
        var state = Self.blastRadius(size: Size(width: 80, height: 24), answered: false)
        _ = Reducer.reduce(&state, .tick(at: state.now + 3))
        let text = state.render(size: Size(width: 80, height: 24)).text
        #expect(text.contains("asking the server's resource graph… 3 s") && text.contains("Esc cancels"), "\(text)")

        let answered = Self.blastRadius(size: Size(width: 80, height: 24))
        let model = BlastRadiusModel(try #require(answered.ui.detail?.blast), now: answered.now, serverName: nil)
        var pen = Pen(canvas: Canvas(size: Size(width: 40, height: 8)), options: RenderOptions())
        BlastRadiusWidget(model: model).draw(&pen, Rect(x: 0, y: 0, width: 40, height: 8))
        let rows = (0..<8).map { pen.canvas.row($0) }
        #expect(rows[0].hasPrefix("┌ Blast radius"))
        // 38 cells inside: the name and the id each get their own line rather than being cut.
        #expect(rows[1] == "│ What depends on                      │")
        #expect(rows[2] == "│   aws_iam_policy.deploy              │")
        #expect(rows[3].hasPrefix("│   arn:aws:iam::230446364776:policy/de"), "a word wider than the line is cut only at its end")
        #expect(rows[4].contains("7 resources within 3 hops"))
        #expect(rows[7].hasPrefix("└"))
    }

    /// Terraform keeps IAM policies as JSON strings; the detail shows the document, not an escaped line.
    @Test func aPolicyHeldInAStringIsShownAsTheDocument() {
        let line = #"{"type":"data","topic":"drift","data":{"attribute":"policy","new_value":"{\"Action\":\"*\"}","old_value":"{\"Action\":\"s3:GetObject\"}","resource_id":"p","resource_name":"ci","resource_type":"aws_iam_policy","severity":"critical","timestamp":"","user_identity":{}},"timestamp":""}"#
        let size = Size(width: 80, height: 24)
        var state = DashboardSnapshotTests.knownState()
        _ = Reducer.reduce(&state, .received(generation: 1, items: Ingest.items(from: FrameDecoder.decode(line), receivedAt: state.now), at: state.now))
        _ = Reducer.reduce(&state, .key(.enter))
        let text = state.render(size: size).text
        #expect(text.contains("-   \"Action\": \"s3:GetObject\"") && text.contains("+   \"Action\": \"*\""), "\(text)")
        #expect(!text.contains("\\\""), "no escaped quotes left")
    }

    @Test func theRawMessageIsOneKeyAway() throws {
        let size = Size(width: 80, height: 24)
        var state = Self.state(size: size)
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .key(.character("r")))
        let canvas = state.render(size: size)
        #expect(canvas.row(1).contains("Raw message"))
        #expect(canvas.text.contains("\"type\": \"data\""))
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func filterLineMarksAnInvalidTerm(size: Size) throws {
        var state = Self.state(size: size)
        for key in "/sev:crit bogus:x" { _ = Reducer.reduce(&state, .key(.character(key))) }
        let canvas = state.render(size: size)
        #expect(canvas.row(size.height - 1).contains("unknown field bogus, ignored"))
        #expect(canvas.row(1).contains("Drifts 8/32 /sev:crit bogus:x"))
        try check(canvas, "filter-\(size.width)x\(size.height)")
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func helpFromTheBindingsTable(size: Size) throws {
        var state = Self.state(size: size)
        _ = Reducer.reduce(&state, .key(.character("?")))
        let canvas = state.render(size: size)
        #expect(canvas.text.contains("Keys") && canvas.text.contains("command palette"))
        try check(canvas, "help-\(size.width)x\(size.height)")
        // What does not fit is a Space away; every binding is on some page.
        var seen = canvas.text
        for _ in 0..<4 {
            _ = Reducer.reduce(&state, .key(.character(" ")))
            #expect(state.ui.showHelp)
            seen += state.render(size: size).text
        }
        // Every binding of the dashboard is on some page; the war room's are in its own help (below).
        for row in Bindings.table where ![.kiosk, .confirmQuit, .replay].contains(row.context) {
            #expect(seen.contains(row.help), "\(row.help) on no help page at \(size.width)x\(size.height)")
        }
        #expect(!seen.contains("War room"), "the war room's keys do nothing here")
        _ = Reducer.reduce(&state, .key(.character("x")))
        #expect(!state.ui.showHelp && state.ui.helpPage == 0)
    }

    /// A pane the operator moved in holds its place and counts what arrived since (`▼ N new`).
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func heldPaneCountsWhatArrived(size: Size) throws {
        var state = Self.state(size: size)
        _ = Reducer.reduce(&state, .key(.character("j")))
        _ = Reducer.reduce(&state, .key(.character("j")))
        let more: [Incoming] = (0..<4).map { i in
            .drift(DriftRecord(receivedAt: state.now, severity: .high, resourceType: "aws_kms_key", resourceName: "k\(i)", resourceID: "k\(i)", attribute: "enable_key_rotation", oldValue: "true", newValue: "false"))
        }
        _ = Reducer.reduce(&state, .received(generation: 1, items: more, at: state.now))
        let canvas = state.render(size: size)
        #expect(canvas.row(1).contains("▼ 6 new"))
        #expect(!canvas.text.contains("aws_kms_key.k3"), "the held view does not move")
        try check(canvas, "held-\(size.width)x\(size.height)")
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func paletteWithAQueryAndTheServersAnswer(size: Size) throws {
        var state = Self.state(size: size)
        for key in ":query {\"resource\":\"aws_iam_policy\"}" { _ = Reducer.reduce(&state, .key(.character(key))) }
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .received(generation: 1, items: [.control(.error("Query not implemented yet"))], at: state.now))
        let canvas = state.render(size: size)
        #expect(canvas.text.contains("server answered: Query not implemented yet"))
        #expect(canvas.row(size.height - 1).contains("server answered: Query not implemented yet"))
        #expect(!canvas.row(size.height - 1).contains("err "), "the answer is not counted as an error")
        try check(canvas, "palette-query-\(size.width)x\(size.height)")
    }

    @Test func paletteFindsActionsAsYouType() throws {
        let size = Size(width: 80, height: 24)
        var state = Self.state(size: size)
        for key in ":exp" { _ = Reducer.reduce(&state, .key(.character(key))) }
        let canvas = state.render(size: size)
        let rows = (0..<size.height).map { canvas.row($0) }
        let first = try #require(rows.firstIndex { $0.contains(": exp") })
        #expect(rows[first + 1].contains("export the pane to NDJSON") && rows[first + 1].contains("e"))
        try check(canvas, "palette-80x24")
    }

    /// `z` gives the Stats pane the screen: the 30-minute sparkline, severities, kinds, top types and users.
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func statsPaneMaximised(size: Size) throws {
        var state = Self.state(size: size)
        _ = Reducer.reduce(&state, .command(.focusPrevious))
        _ = Reducer.reduce(&state, .key(.character("z")))
        _ = Reducer.reduce(&state, .resized(width: size.width, height: size.height, pageRows: Layout.pageRows(size, state.arrangement)))
        let canvas = state.render(size: size)
        #expect(canvas.text.contains("30 min") && canvas.text.contains("Top users") && canvas.text.contains("alice@corp.example"))
        #expect(!canvas.text.contains("Drifts"), "the other panes give way")
        try check(canvas, "stats-\(size.width)x\(size.height)")
    }

    @Test func theStatePaneShowsTheServersSummaryOrGivesItsRoomAway() throws {
        let size = Size(width: 80, height: 24)
        var state = Self.state(size: size)
        let summary: JSONValue = ["success": true, "data": ["lineage": "prod", "serial": 41, "resource_count": 120, "terraform_version": "1.9.0"]]
        _ = Reducer.reduce(&state, .restResponse(.terraformState, .body(summary), at: state.now))
        var text = state.render(size: size).text
        #expect(text.contains("serial 41 · 120 resources · tf 1.9.0"))

        var empty = DashboardSnapshotTests.knownState()
        empty.feed.stateChanges = History(capacity: 10)
        let before = try #require(Layout.compute(size, empty.arrangement))
        _ = Reducer.reduce(&empty, .restResponse(.terraformState, .failure(status: 404, message: "Terraform state not loaded"), at: empty.now))
        let after = try #require(Layout.compute(size, empty.arrangement))
        #expect(after.panes[.state]!.height == 1)
        #expect(after.panes[.stats]!.width * after.panes[.stats]!.height > before.panes[.stats]!.width * before.panes[.stats]!.height)
        text = empty.render(size: size).text
        #expect(text.contains("no Terraform state loaded on the server"))
        try check(empty.render(size: size), "state-collapsed-80x24")
    }
}

struct LayoutSplitTests {
    @Test(arguments: [
        ([Constraint.fixed(1), .fill(1), .fixed(1)], 24, [1, 22, 1]),
        ([.fill(3), .fill(2)], 22, [13, 9]),
        ([.fill(1), .fixed(38)], 120, [82, 38]),
        ([.fixed(30), .fixed(30)], 40, [30, 10]),
        ([.fill(1), .fill(1), .fill(1)], 10, [3, 3, 4]),
        ([.fixed(5), .fill(0)], 3, [3, 0]),
    ])
    func partsTileTheRectangle(parts: [Constraint], total: Int, sizes: [Int]) {
        let rects = Layout.split(Rect(x: 2, y: 0, width: total, height: 1), .horizontal, parts)
        #expect(rects.map(\.width) == sizes)
        #expect(rects.map(\.x) == sizes.indices.map { 2 + sizes.prefix($0).reduce(0, +) })
    }

    @Test func everySizeKeepsPanesInsideTheScreen() {
        for width in stride(from: 60, through: 240, by: 7) {
            for height in stride(from: 15, through: 80, by: 5) {
                for arrangement in [Arrangement(), Arrangement(stateCollapsed: true), Arrangement(maximized: .events)] {
                    guard let layout = Layout.compute(Size(width: width, height: height), arrangement) else {
                        Issue.record("no layout at \(width)x\(height)")
                        continue
                    }
                    for (pane, rect) in layout.panes {
                        #expect(rect.maxX <= width && rect.maxY <= height - 1 && rect.y >= 1 && (rect.height >= 3 || pane == .state && arrangement.stateCollapsed), "\(pane) at \(width)x\(height)")
                    }
                }
            }
        }
    }
}

struct ClipboardSequenceTests {
    @Test func theSequenceIsOSC52EndedByBEL() {
        let bytes = ClipboardSequence.osc52("hi\u{1B}]0;x\u{07}")
        #expect(Array(bytes.prefix(7)) == Array("\u{1B}]52;c;".utf8) && bytes.last == 0x07)
        // Nothing inside can end the sequence early: the payload is base64's alphabet only.
        #expect(bytes.dropFirst(7).dropLast().allSatisfy { $0 < 0x80 && $0 != 0x07 && $0 != 0x1B })
    }
}

struct MouseTests {
    /// A click lands on exactly what was drawn there: the row's item in its pane.
    @Test func clickSelectsTheRowUnderItDoubleClickOpensItWheelMoves() throws {
        let size = Size(width: 120, height: 40)
        var state = InvestigateSnapshotTests.state(size: size)
        let canvas = state.render(size: size)
        let eventRows = canvas.hitRegions.filter { $0.pane == .events && $0.seq != nil }
        #expect(eventRows.count >= 5)
        let third = eventRows[2]
        let click = state.mouseActions(for: MouseEvent(.click, x: third.rect.x + 3, y: third.rect.y), on: canvas)
        #expect(click == [.command(.focus(.events)), .command(.select(third.seq!))])
        for action in click { _ = Reducer.reduce(&state, action) }
        #expect(state.ui.focus == .events && state.selectedSeq(.events) == third.seq && !state.ui.scroll(of: .events).follow)
        #expect(canvas.row(third.rect.y).contains(state.feed.events[third.seq!]!.title.prefix(8)))

        let open = state.mouseActions(for: MouseEvent(.doubleClick, x: third.rect.x + 3, y: third.rect.y), on: state.render(size: size))
        for action in open { _ = Reducer.reduce(&state, action) }
        #expect(state.ui.detail == DetailState(pane: .events, seq: third.seq!))
        #expect(state.mouseActions(for: MouseEvent(.wheelDown, x: 5, y: 5), on: canvas) == [.command(.detailScroll(3))])

        _ = Reducer.reduce(&state, .key(.escape))
        let border = try #require(canvas.hitRegions.first { $0.pane == .drifts && $0.seq == nil })
        #expect(state.mouseActions(for: MouseEvent(.wheelDown, x: border.rect.x, y: border.rect.y), on: canvas)
            == [.command(.focus(.drifts)), .command(.moveSelection(3))])
        #expect(state.mouseActions(for: MouseEvent(.click, x: 0, y: 0), on: canvas).isEmpty, "the header is no pane")
    }
}

struct LineDiffTests {
    @Test func sharedLinesShareARowAndChangesPairUp() {
        let rows = LineDiff.align(["{", "  \"a\": 1,", "  \"b\": 2", "}"], ["{", "  \"a\": 1,", "  \"b\": 3,", "  \"c\": 4", "}"])
        #expect(rows == [
            .init(old: "{", new: "{"), .init(old: "  \"a\": 1,", new: "  \"a\": 1,"), .init(old: "  \"b\": 2", new: "  \"b\": 3,"),
            .init(old: nil, new: "  \"c\": 4"), .init(old: "}", new: "}"),
        ])
    }

    @Test func aRepeatedLineIsNotMistakenForAnUnchangedOne() {
        // A set-based diff would call both "}" lines unchanged wherever they are; alignment keeps them in order.
        let rows = LineDiff.align(["[", "}", "x", "]"], ["[", "x", "}", "]"])
        #expect(rows.filter { $0.old == $0.new }.count == 3)
        #expect(rows.count == 5)
    }

    @Test func hugeInputsArePairedInOrder() {
        let old = (0..<1000).map(String.init), new = (1..<1001).map(String.init)
        let rows = LineDiff.align(old, new)
        #expect(rows.count == 1000 && rows[0] == .init(old: "0", new: "1"))
    }
}

struct KioskSnapshotTests {
    static func state(size: Size, stale: Bool) -> State {
        var state = InvestigateSnapshotTests.state(size: size)
        state.ui.kiosk = KioskState(settings: KioskSettings(cycle: 15, staleAfter: 90, alert: .none))
        if stale {
            _ = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("connection reset"), at: state.now + 130, jitter: 0))
            _ = Reducer.reduce(&state, .tick(at: state.now + 2))
        }
        return state
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 120, height: 40), Size(width: 200, height: 60), Size(width: 400, height: 120)], [false, true])
    func kioskScreen(size: Size, stale: Bool) throws {
        let canvas = Self.state(size: size, stale: stale).render(size: size)
        #expect(canvas.text.contains("WAR ROOM") && canvas.text.contains("CRITICAL") && canvas.text.contains("Newest critical drifts"))
        #expect(canvas.text.contains("DATA STALE · last message 2m 12s ago · reconnecting in") == stale, "\(canvas.text)")
        #expect(canvas.text.contains("LIVE") == !stale)
        if size.height >= 30 { #expect(canvas.text.contains("███"), "big digits on a big screen") }
        try DashboardSnapshotTests().check(canvas, "kiosk-\(stale ? "stale" : "live")-\(size.width)x\(size.height)")
    }

    /// `?` in the war room lists the war room's keys, the only ones that act there (from the bindings table).
    @Test func helpInTheWarRoomListsItsOwnKeysOnly() {
        var state = Self.state(size: Size(width: 120, height: 40), stale: false)
        _ = Reducer.reduce(&state, .key(.character("?")))
        #expect(state.ui.showHelp)
        let text = state.render(size: Size(width: 120, height: 40)).text
        #expect(text.contains("War room (--kiosk)") && text.contains("ask to quit; y confirms"))
        #expect(!text.contains("toggle drifts") && !text.contains("Detail view"), "keys that do nothing in the war room")
        // Any key closes it; a key of the panes still does nothing there.
        _ = Reducer.reduce(&state, .key(.character("x")))
        #expect(!state.ui.showHelp)
        let before = state.ui
        _ = Reducer.reduce(&state, .key(.character("2")))
        #expect(state.ui == before && state.servers[0].desiredTopics.contains(.drifts))
    }

    @Test func bigDigitsAreFiveRowsOfThreeWideGlyphs() {
        let rows = BigDigits.rows(of: "10", pixel: "#")
        #expect(rows == [" #  ###", "##  # #", " #  # #", " #  # #", "### ###"])
        #expect(BigDigits.width(of: "12.3k") == 19)
        // Twice as large: every dot two cells wide and two rows tall.
        #expect(BigDigits.rows(of: "1", pixel: "#", scale: 2).prefix(4) == ["  ##  ", "  ##  ", "####  ", "####  "])
        #expect(BigDigits.width(of: "12", scale: 3) == 21)
        #expect(BigDigits.largestScale(of: "12", width: 21, height: 15) == 3)
        #expect(BigDigits.largestScale(of: "12", width: 20, height: 15) == 2)
        #expect(BigDigits.largestScale(of: "12", width: 6, height: 40) == nil)
    }
}

struct DiagnosticsSnapshotTests {
    /// `!` lists what went wrong, newest first, repeats folded with a count.
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func problemsView(size: Size) throws {
        var state = InvestigateSnapshotTests.state(size: size)
        let at = state.now
        var items: [Incoming] = []
        items += Ingest.items(from: FrameDecoder.decode("{\"type\":\"data\",\"topic\":\"drift\",\"data\":{\"sev"), receivedAt: at)
        items += Ingest.items(from: FrameDecoder.decode("{\"type\":\"heartbeat_v2\"}"), receivedAt: at)
        items += Array(repeating: .control(.error("Invalid message format")), count: 3)
        _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: at))
        _ = Reducer.reduce(&state, .restResponse(.stats, .body(["data": ["drifts": ["total": 1e300]]]), at: at))
        _ = Reducer.reduce(&state, .configurationProblems(["config.yaml:3: histroy: unknown setting; ignored"]))
        _ = Reducer.reduce(&state, .restResponse(.stats, .failure(status: 502, message: "Bad Gateway"), at: at))
        let expired = "the server's certificate expired on 2021-01-01T00:00:00Z: it must be renewed on the server (or use --insecure for a test)"
        _ = Reducer.reduce(&state, .connectionClosed(generation: state.servers[0].connection.generation, Disconnection(expired, certificateRejected: true), at: at, jitter: 0))
        _ = Reducer.reduce(&state, .key(.character("!")))
        let canvas = state.render(size: size)
        let text = canvas.text
        #expect(text.contains("Problems 9"))
        #expect(text.contains("rest") && text.contains("GET /api/v1/stats: HTTP 502: Bad Gateway"))
        #expect(text.contains("connect") && text.contains("the server's certificate expired on 2021-01-01"))
        #expect(text.contains("server: Invalid message format") && text.contains("×3"))
        #expect(text.contains("ignored unknown message type \"heartbeat_v2\""))
        #expect(text.contains("malformed"))
        #expect(text.contains("config.yaml:3: histroy"))
        try DashboardSnapshotTests().check(canvas, "problems-\(size.width)x\(size.height)")
        _ = Reducer.reduce(&state, .key(.escape))
        #expect(state.ui.diagnosticsOffset == nil)
    }
}

struct ReplaySnapshotTests {
    /// A replay's status bar (`REPLAY 30× 02:14:07 (43%) · PAUSED`) and its keys at the top of the help.
    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func replayStatusAndHelp(size: Size) throws {
        var state = InvestigateSnapshotTests.state(size: size)
        _ = Reducer.reduce(&state, .replayProgress(ReplayStatus(speed: 30, paused: true, at: 1_795_748_400 - 2753, fraction: 0.437, ended: false)))
        let screen = state.render(size: size)
        #expect(screen.text.split(separator: "\n").last?.hasPrefix(" REPLAY 30× 02:14:07 (43%) · PAUSED ") == true, "\(screen.text)")
        try DashboardSnapshotTests().check(screen, "replay-paused-\(size.width)x\(size.height)")
        _ = Reducer.reduce(&state, .command(.toggleHelp))
        let help = state.render(size: size).text
        #expect(help.contains("Replay") && help.contains("pause / resume the replay") && help.contains("next gap or critical drift"))
        _ = Reducer.reduce(&state, .replayProgress(ReplayStatus(speed: nil, paused: false, at: 0, fraction: 1, ended: true, stoppedAt: "rec.ndjson:12: not a JSON line")))
        let stopped = state.render(size: size).text.split(separator: "\n").last ?? ""
        #expect(stopped.contains("REPLAY max") && stopped.contains("stopped at rec.ndjson:12"), "\(stopped)")
    }
}

/// Small truths the screen used to leave out: which detection the server's record is, and why typing stopped.
struct SmallTruthsTests {
    static func detailWithContext(_ record: (DriftRecord) -> JSONValue) -> String {
        let size = Size(width: 120, height: 60)
        var state = InvestigateSnapshotTests.state(size: size)
        for key in "/type:aws_iam* sev:crit" { _ = Reducer.reduce(&state, .key(.character(key))) }
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .key(.character("c")))
        guard let id = state.ui.detail?.context?.lookupID, let seq = state.ui.detail?.seq, let drift = state.feed.drifts[seq] else {
            return "no context asked for"
        }
        _ = Reducer.reduce(&state, .restResponse(.driftContext(resourceID: id), .body(["success": true, "data": record(drift)]), at: state.now))
        return state.render(size: size).text
    }

    /// Upstream answers `/drifts/{id}` with the resource's oldest drift: the view says when that is another one.
    @Test func theContextSaysWhenTheServersRecordIsAnotherDetection() {
        let other = Self.detailWithContext { _ in ["attribute": "tags.Owner", "new_value": "nobody", "timestamp": "2026-11-20T08:00:00Z"] }
        #expect(other.contains("another detection of this resource (detected 2026-11-20T08:00:00Z), not this drift"), "\(other)")
        let same = Self.detailWithContext { d in ["attribute": .string(d.attribute), "new_value": .string(d.newValue), "timestamp": ""] }
        #expect(!same.contains("another detection") && same.contains("the same change as this drift (no time given)"), "\(same)")
    }

    /// Input stops at 400 characters; the palette says so and why, instead of silently taking no more keys.
    @Test func thePaletteSaysItsInputIsAtItsLimit() {
        let size = Size(width: 100, height: 30)
        var state = DashboardSnapshotTests.knownState()
        _ = Reducer.reduce(&state, .resized(width: size.width, height: size.height, pageRows: Layout.pageRows(size)))
        _ = Reducer.reduce(&state, .key(.character(":")))
        for character in "query " + String(repeating: "x", count: 500) { _ = Reducer.reduce(&state, .key(.character(character))) }
        #expect(state.ui.palette?.text.count == Palette.maximumText)
        let text = state.render(size: size).text
        #expect(text.contains("at the 400-character limit: the real server closes the link (1009)"), "\(text)")
    }
}

/// A blind server (`/health` degraded) is marked beside its link, told apart from link trouble.
struct ReadinessMarkTests {
    static let degraded: RestOutcome = .body(["success": true, "data": ["status": "degraded", "checks": ["falco": "disconnected"]]])

    @Test func theStatusBarMarksABlindServerBesideItsOpenLink() {
        let size = Size(width: 120, height: 30)
        var state = DashboardSnapshotTests.knownState()
        _ = Reducer.reduce(&state, .resized(width: size.width, height: size.height, pageRows: Layout.pageRows(size)))
        _ = Reducer.reduce(&state, .restResponse(.health, Self.degraded, at: state.now))
        let bottom = state.render(size: size).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(bottom.contains("● OPEN") && bottom.contains("falco✗"), "\(bottom)")
    }

    @Test func withSeveralServersOnlyTheBlindOneIsMarked() {
        var state = State(servers: ["prod", "staging"].map { ServerState(name: $0, settings: Settings(url: "ws://\($0)/ws"), topics: [.drifts]) })
        _ = Reducer.reduce(&state, .started(at: 100))
        for k in 0..<2 { _ = Reducer.reduce(&state, .server(k, .connectionOpened(generation: 1, at: 100))) }
        _ = Reducer.reduce(&state, .server(1, .restResponse(.health, Self.degraded, at: 101)))
        #expect(state.serverMark(0, glyphs: .unicode).text == "prod ●")
        #expect(state.serverMark(1, glyphs: .unicode) == ("staging ● falco✗", .statusBad))
        let banner = state.blindText(utcOffset: 0)
        #expect(banner == "SERVER BLIND: staging — falco disconnected since 00:01:41 (runtime events cannot arrive)", "\(banner ?? "nil")")
    }
}
