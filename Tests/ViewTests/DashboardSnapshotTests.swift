import Foundation
import Testing
@testable import TFDriftCore
@testable import TFDriftView
import TFDriftWire

/// A dashboard with known content, rendered as text and compared with the files in `Snapshots/`.
/// Run with `UPDATE_SNAPSHOTS=1` to rewrite them after an intended change, then read the diff.
struct DashboardSnapshotTests {
    static func knownState() -> State {
        var state = State(settings: Settings(url: "ws://tfdrift.example:8080/ws", restEnabled: false), topics: [.drifts, .events, .state, .stats])
        let base = 1_795_748_400.0  // 2026-11-27T03:00:00Z
        _ = Reducer.reduce(&state, .started(at: base))
        _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: base))
        var items: [Incoming] = [.control(.welcome(dialect: .real, version: "0.9.0", clientID: "c"))]
        for name in ["drift", "unmanaged", "policy_decision", "remediation_proposal", "falco", "state_change"] {
            items.append(.control(.subscribed(name)))
        }
        let severities: [Severity] = [.critical, .high, .medium, .low, .warning]
        for i in 0..<30 {
            let t = base + Double(i)
            items.append(.drift(DriftRecord(
                receivedAt: t, severity: severities[i % 5], resourceType: ["aws_security_group", "aws_iam_policy", "aws_s3_bucket"][i % 3],
                resourceName: "res\(i)", resourceID: "id-\(i)", attribute: ["ingress", "policy", "acl"][i % 3],
                oldValue: "old\(i)", newValue: "new\(i)", user: "alice@corp.example")))
            items.append(.event(EventRecord(
                receivedAt: t, topic: i % 2 == 0 ? .falco : .unmanaged, severity: severities[(i + 1) % 5],
                title: i % 2 == 0 ? "Terminal shell in container" : "RunInstances", resource: "aws_instance i-\(i)",
                detail: "detail \(i)", user: "bob")))
            items.append(.stateChange(StateRecord(receivedAt: t, resource: "aws_s3_bucket.logs\(i)", action: "modified", detail: "serial=\(40 + i)")))
        }
        items.append(.drift(DriftRecord(
            receivedAt: base + 31, severity: .critical, resourceType: "東京_bucket", resourceName: "😀", resourceID: "x",
            attribute: "wide✓", oldValue: String(repeating: "long", count: 40), newValue: "v")))
        _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: base + 31))
        _ = Reducer.reduce(&state, .tick(at: base + 32))
        return state
    }

    func check(_ canvas: Canvas, _ name: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/\(name).txt")
        let text = canvas.text + "\n"
        if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "snapshot \(name) differs; rerun with UPDATE_SNAPSHOTS=1 and review the diff")
    }

    @Test func dashboardAt80x24() throws {
        try check(Self.knownState().render(size: Size(width: 80, height: 24)), "dashboard-80x24")
    }

    @Test func dashboardAt160x48() throws {
        try check(Self.knownState().render(size: Size(width: 160, height: 48)), "dashboard-160x48")
    }

    @Test func helpOverlayAt100x30() throws {
        var state = Self.knownState()
        state.ui.showHelp = true
        try check(state.render(size: Size(width: 100, height: 30)), "help-100x30")
    }

    @Test func asciiGlyphsAt80x24() throws {
        let options = RenderOptions(theme: .monochrome, glyphs: .ascii)
        let canvas = Self.knownState().render(size: Size(width: 80, height: 24), options: options)
        #expect(!canvas.text.contains("─"))
        #expect(canvas.row(1).hasPrefix("+ Drifts 31 "))
    }
}

struct DashboardRenderTests {
    @Test(arguments: [Size(width: 59, height: 24), Size(width: 80, height: 14), Size(width: 10, height: 3), Size(width: 1, height: 1), Size(width: 0, height: 0)])
    func tinyTerminalsGetAClearMessage(size: Size) {
        let canvas = DashboardSnapshotTests.knownState().render(size: size)
        #expect(canvas.size == size)
        if size.width >= 20 && size.height >= 3 {
            #expect(canvas.text.contains("Terminal too small"))
        }
    }

    @Test(arguments: stride(from: 60, through: 240, by: 7).map { $0 })
    func everyWidthKeepsBordersIntact(width: Int) {
        let height = 15 + width % 40
        let canvas = DashboardSnapshotTests.knownState().render(size: Size(width: width, height: height))
        let layout = Layout.compute(Size(width: width, height: height))!
        for (_, rect) in layout.panes {
            for y in rect.y + 1..<rect.maxY - 1 {
                #expect(canvas[rect.x, y].text == "│", "left border broken at \(rect.x),\(y) for width \(width)")
                #expect(canvas[rect.maxX - 1, y].text == "│", "right border broken at \(rect.maxX - 1),\(y) for width \(width)")
            }
        }
    }

    @Test func statusBarShowsTopicsWithAcknowledgement() {
        var state = DashboardSnapshotTests.knownState()
        var status = state.render(size: Size(width: 120, height: 30)).row(29)
        #expect(status.contains("OPEN"))
        #expect(status.contains("drifts✓"))
        _ = Reducer.reduce(&state, .command(.toggleTopic(.drifts)))
        status = state.render(size: Size(width: 120, height: 30)).row(29)
        #expect(!status.contains("drifts"))
        #expect(status.contains("events✓"))
    }

    @Test func statusBarCountsDownWhileReconnecting() {
        var state = DashboardSnapshotTests.knownState()
        _ = Reducer.reduce(&state, .connectionClosed(generation: 1, Disconnection("connection lost (1006, no close frame)"), at: state.now, jitter: 0.9))
        _ = Reducer.reduce(&state, .tick(at: state.now + 0.2))
        let status = state.render(size: Size(width: 120, height: 30)).row(29)
        #expect(status.contains("RECONNECTING in 1s · attempt 2"))
        #expect(status.contains("1006"))
    }

    @Test func aHeldPaneDoesNotMoveWhenNewItemsArrive() {
        var state = DashboardSnapshotTests.knownState()
        _ = Reducer.reduce(&state, .command(.moveSelection(2)))
        let size = Size(width: 120, height: 40)
        let before = state.render(size: size)
        let items: [Incoming] = (0..<3).map { i in
            .drift(DriftRecord(receivedAt: state.now, severity: .low, resourceType: "aws_new", resourceName: "n\(i)", resourceID: "n\(i)"))
        }
        _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: state.now))
        let after = state.render(size: size)
        let rows = Layout.compute(size)!.panes[.drifts]!
        func pane(_ canvas: Canvas, _ y: Int) -> String { (rows.x..<rows.maxX).map { canvas[$0, y].text }.joined() }
        for y in rows.y + 2..<rows.maxY - 1 {
            #expect(pane(before, y) == pane(after, y), "row \(y) moved")
        }
        #expect(!(rows.y..<rows.maxY).contains { pane(after, $0).contains("aws_new") }, "new items stay above the held view")
        #expect(after.row(rows.y).contains("▼ 5 new"))
    }

    @Test func heldPaneSaysHowManyNewerItemsWait() {
        var state = DashboardSnapshotTests.knownState()
        _ = Reducer.reduce(&state, .command(.moveSelection(3)))
        let canvas = state.render(size: Size(width: 120, height: 40))
        #expect(canvas.row(1).contains("▼ 3 new"))
    }
}

struct TextWidthTests {
    @Test func widths() {
        #expect(TextWidth.width(of: "東京✓😀") == 7)
        #expect(TextWidth.width(of: "abc") == 3)
        #expect(TextWidth.width(of: "e\u{301}") == 1)
        // Terminals disagree on emoji sequences (VS16, ZWJ, skin tones): drawn as U+FFFD in one cell.
        #expect(TextWidth.width(of: "☺\u{FE0F}") == 1)
        #expect(TextWidth.shown("☺\u{FE0F}") == ("\u{FFFD}", 1))
    }

    @Test func truncationNeverExceedsTheWidth() {
        for text in ["東京東京東京", "abcdefgh", "😀😀😀😀", "a東b京c"] {
            for cells in 0..<10 {
                #expect(TextWidth.width(of: TextWidth.truncate(text, to: cells)) <= cells)
                #expect(TextWidth.width(of: TextWidth.fit(text, cells)) == cells || cells == 0)
            }
        }
    }

    @Test func canvasClipsWideCharactersAtTheLimit() {
        var canvas = Canvas(size: Size(width: 5, height: 1))
        let used = canvas.draw("a東京", x: 0, y: 0, style: .plain, maxWidth: 4)
        #expect(used == 4)
        #expect(canvas.row(0) == "a東  ", "the wide 京 does not fit in the last cell, which becomes a space")
    }
}

struct BindingsTests {
    @Test func keysMapToCommandsByContext() {
        #expect(Bindings.command(for: .character("2"), in: .pane) == .toggleTopic(.drifts))
        #expect(Bindings.command(for: .character("q"), in: .pane) == .quit, "everywhere rows apply in panes")
        #expect(Bindings.command(for: .tab, in: .pane) == .focusNext)
        #expect(Bindings.command(for: .pageDown, in: .pane) == .page(1))
        #expect(Bindings.command(for: .character("x"), in: .pane) == nil)
        #expect(Bindings.command(for: .character("q"), in: .detail) == .closeDetail, "q leaves the detail first")
        #expect(Bindings.command(for: .character("q"), in: .filter) == .insertText("q"), "typing is typing")
        #expect(Bindings.command(for: .enter, in: .filter) == .submitText)
    }

    @Test func aKeyPageMovesByTheLayoutsPage() {
        var state = DashboardSnapshotTests.knownState()
        let size = Size(width: 80, height: 24)
        _ = Reducer.reduce(&state, .resized(width: 80, height: 24, pageRows: Layout.pageRows(size)))
        let page = Layout.compute(size)!.listRows(.drifts)
        let newest = state.feed.drifts.newestSeq!
        _ = Reducer.reduce(&state, .key(.pageDown))
        #expect(state.ui.scroll(of: .drifts).selected == newest - page)
    }

    /// The README's key table is generated from the bindings table; a test fails when they disagree.
    @Test func readmeKeyTableEqualsTheBindingsTable() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md").standardized, encoding: .utf8)
        guard let start = readme.range(of: "<!-- keys:begin -->"), let end = readme.range(of: "<!-- keys:end -->") else {
            Issue.record("README has no generated key table between <!-- keys:begin --> and <!-- keys:end -->")
            return
        }
        let table = String(readme[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(table == KeyTable.markdown, "README's key table differs; replace it with:\n\(KeyTable.markdown)")
    }

    /// The README and the docs name no file outside the repository: every relative link points at a file that is
    /// in it, and nothing points above the checkout (the protocol notes once cited `shared/reference/…`).
    @Test func documentationLinksStayInsideTheRepository() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let pages = ["README.md"] + (try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path))
            .filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        #expect(pages.count >= 4)
        for page in pages {
            let text = try String(contentsOf: root.appendingPathComponent(page), encoding: .utf8)
            #expect(!text.contains("shared/reference") && !text.contains("../shared"), "\(page) cites a file outside the repository")
            let base = root.appendingPathComponent(page).deletingLastPathComponent()
            for match in text.matches(of: /\]\(([^)#:\s]+)(#[^)]*)?\)/) {
                let target = base.appendingPathComponent(String(match.1)).standardized
                #expect(target.path.hasPrefix(root.path), "\(page) links \(match.1) outside the repository")
                #expect(FileManager.default.fileExists(atPath: target.path), "\(page) links \(match.1), which is not there")
            }
        }
    }
}

/// Columns by priority: a list pane leaves out its least needed columns only when it is too narrow for them, and
/// the layout keeps the side column off until the Drifts pane beside it keeps every column, so a wider terminal
/// never shows fewer columns than a narrower one (at 120 the USER column used to vanish, shown at 110 and 140).
struct ColumnPriorityTests {
    static let titles: Set<Substring> = ["SRV", "TIME", "SEV", "RESOURCE", "ATTRIBUTE", "CHANGE", "USER"]
    static let eventTitles: Set<Substring> = ["SRV", "TIME", "SEV", "KIND", "WHAT", "RESOURCE", "DETAIL"]

    /// The column titles of the pane whose header holds `marker` (Drifts: SEV without KIND; Events: KIND).
    static func columns(_ canvas: Canvas, events: Bool = false) -> Set<Substring> {
        let headers = canvas.text.split(separator: "\n").flatMap { $0.split(separator: "│") }.filter { $0.contains("TIME ") && $0.contains(" SEV ") }
        let pane = headers.first { $0.contains(" KIND ") == events } ?? ""
        return Set(pane.split(separator: " ")).intersection(events ? eventTitles : titles)
    }

    static func driftColumns(_ canvas: Canvas) -> Set<Substring> { columns(canvas) }

    @Test(arguments: [false, true])
    func aWiderTerminalNeverShowsFewerColumns(multiServer: Bool) {
        let state = multiServer ? MultiServerSnapshotTests.threeServers() : DashboardSnapshotTests.knownState()
        var previous: (width: Int, drifts: Set<Substring>, events: Set<Substring>)?
        for width in 60...300 {
            let screen = state.render(size: Size(width: width, height: 30))
            let drifts = Self.columns(screen), events = Self.columns(screen, events: true)
            #expect(drifts.contains("RESOURCE") && events.contains("WHAT"), "width \(width): \(drifts) \(events)")
            if let previous {
                #expect(previous.drifts.isSubset(of: drifts), "\(previous.width) showed \(previous.drifts.subtracting(drifts).sorted()), \(width) does not")
                #expect(previous.events.isSubset(of: events), "\(previous.width) showed \(previous.events.subtracting(events).sorted()), \(width) does not")
            }
            previous = (width, drifts, events)
        }
        let server: Set<Substring> = multiServer ? [] : ["SRV"]
        #expect(previous?.drifts == Self.titles.subtracting(server))
        #expect(previous?.events == Self.eventTitles.subtracting(server))
    }

    @Test(arguments: [80, 100, 110, 120, 140, 200])
    func snapshots(width: Int) throws {
        try DashboardSnapshotTests().check(DashboardSnapshotTests.knownState().render(size: Size(width: width, height: 30)), "columns-\(width)x30")
    }

    @Test func theLeastNeededColumnGoesFirst() {
        // 8 + 4 fixed, 6 gaps: 50 left to share. RESOURCE's 34/100 of it is 17, under its 20: USER (priority 2)
        // goes, and the rest share again with one gap less (51 × 34/84 = 20, 51 × 18/84 = 10, CHANGE the rest).
        let columns = ColumnSpec.columns(ListPanes.drifts.specs, total: 68)
        #expect(columns.map(\.title) == ["TIME", "SEV", "RESOURCE", "ATTRIBUTE", "CHANGE", "USER"])
        #expect(columns.map(\.width) == [8, 4, 20, 10, 21, 0])
        // Narrower still: ATTRIBUTE and CHANGE (priority 1) go, the later first; RESOURCE stays whatever the width.
        #expect(ColumnSpec.columns(ListPanes.drifts.specs, total: 40).map(\.width) == [8, 4, 25, 0, 0, 0])
        #expect(ColumnSpec.columns(ListPanes.drifts.specs, total: 10).map(\.width)[2] >= 0)
    }
}
