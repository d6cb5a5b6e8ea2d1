import Foundation
import Testing
@testable import TFDriftCore
@testable import TFDriftView

/// The screen's frame pieces (list panes, header, status bar, filter line, help, war room) drawn from models built
/// by hand into small rectangles: no store, so each widget is seen alone.
struct ScreenWidgetTests {
    static func draw(width: Int, height: Int, _ body: (inout Pen, Rect) -> Void) -> [String] {
        var pen = Pen(canvas: Canvas(size: Size(width: width, height: height)), options: RenderOptions())
        body(&pen, Rect(x: 0, y: 0, width: width, height: height))
        return (0..<height).map { pen.canvas.row($0) }
    }

    static func pane(width: Int, focused: Bool, selected: Int? = nil) -> ListPaneModel {
        let columns = ColumnSpec.columns([.fixed("SEV", 4), .share("RESOURCE", weight: 1)], total: ColumnSpec.room(inPane: width))
        return ListPaneModel(
            pane: .drifts, title: "Drifts 3", note: "held", focused: focused, banner: nil, columns: columns,
            rows: [
                .item(seq: 2, cells: [("CRIT", .severity(.critical)), ("aws_s3_bucket.logs", .text)], selected: selected == 2),
                .marker("── gap 00:01–00:02 · 1 backfilled ──────────"),
                .item(seq: 1, cells: [("LOW", .severity(.low)), ("aws_iam_role.ci", .text)], selected: selected == 1),
            ])
    }

    @Test func aListPaneIn30x6ShowsTitlesRowsAndItsMarker() {
        let rows = Self.draw(width: 30, height: 6) { pen, rect in ListPaneWidget(model: Self.pane(width: 30, focused: true)).draw(&pen, rect) }
        #expect(rows[0].hasPrefix("┌ Drifts 3 ") && rows[0].contains(" held "), "\(rows)")
        #expect(rows[1] == "│ SEV  RESOURCE              │")
        #expect(rows[2] == "│ CRIT aws_s3_bucket.logs    │")
        #expect(rows[3].hasPrefix("│── gap 00:01–00:02"))
        #expect(rows[4] == "│ LOW  aws_iam_role.ci       │")
        #expect(rows.allSatisfy { $0.count == 30 })
    }

    @Test func aListPaneTooShortForTitlesKeepsItsRowsAndAnUnfocusedSelectionIsADot() {
        // Three rows inside: no column titles, and the held row of an unfocused pane is marked, not highlighted.
        var pen = Pen(canvas: Canvas(size: Size(width: 30, height: 5)), options: RenderOptions())
        ListPaneWidget(model: Self.pane(width: 30, focused: false, selected: 1)).draw(&pen, Rect(x: 0, y: 0, width: 30, height: 5))
        #expect(pen.canvas.row(1) == "│ CRIT aws_s3_bucket.logs    │")
        #expect(pen.canvas.row(3) == "│●LOW  aws_iam_role.ci       │")
        #expect(pen.canvas.hit(x: 5, y: 3)?.seq == 1, "a row is a place the mouse can select")
    }

    @Test func anEmptyListPaneSaysWhyAndACollapsedOneIsALine() {
        var model = Self.pane(width: 30, focused: false)
        model.rows = []
        model.empty = "waiting for data…"
        let rows = Self.draw(width: 30, height: 6) { pen, rect in ListPaneWidget(model: model).draw(&pen, rect) }
        #expect(rows[2].hasPrefix("│ waiting for data…"))
        model.collapsed = true
        model.banner = ("no Terraform state loaded on the server", .dim)
        let line = Self.draw(width: 30, height: 1) { pen, rect in ListPaneWidget(model: model).draw(&pen, rect) }
        #expect(line[0] == " Drifts  no Terraform state lo")
    }

    @Test func theHeaderDropsTopicsThatDoNotFitAndTheHintOnlyWhenThereIsRoom() {
        let model = HeaderModel(topics: [("1 all", true), ("2 drifts", false)], hint: "? help  q quit")
        #expect(Self.draw(width: 50, height: 1) { HeaderWidget(model: model).draw(&$0, $1) }[0] == " tfdrift-tui  1 all   2 drifts     ? help  q quit ")
        #expect(Self.draw(width: 24, height: 1) { HeaderWidget(model: model).draw(&$0, $1) }[0] == " tfdrift-tui  1 all     ")
    }

    @Test func theStatusBarDropsTheLeastImportantAndShortensALongReasonFirst() {
        let segments = [
            StatusBarModel.Segment(text: " ● OPEN ", role: .statusGood, priority: 0),
            StatusBarModel.Segment(text: "drifts✓", role: .statusBar, priority: 1),
            StatusBarModel.Segment(text: "ws://tfdrift.example:8080/ws (real v0.14.0)", role: .statusBar, priority: 4),
        ]
        let wide = Self.draw(width: 70, height: 1) { StatusBarWidget(model: StatusBarModel(segments: segments)).draw(&$0, $1) }[0]
        #expect(wide.hasPrefix(" ● OPEN  │ drifts✓ │ ws://tfdrift.example:8080/ws (real v0.14.0)"), "\(wide)")
        let narrow = Self.draw(width: 40, height: 1) { StatusBarWidget(model: StatusBarModel(segments: segments)).draw(&$0, $1) }[0]
        #expect(narrow.hasPrefix(" ● OPEN  │ drifts✓ │ ws://tfdr…e:8080/ws"), "the address loses its middle: \(narrow)")
        let tiny = Self.draw(width: 12, height: 1) { StatusBarWidget(model: StatusBarModel(segments: segments)).draw(&$0, $1) }[0]
        #expect(tiny == " ● OPEN     ", "only the phase stays")
    }

    @Test func theFilterLineMarksWhatItDoesNotUnderstand() {
        let model = FilterLineModel(terms: [("sev:crit", true), ("bogus:x", false)], shown: 8, problem: "unknown field bogus", keys: "Enter keeps · Esc back")
        let rows = Self.draw(width: 100, height: 1) { pen, rect in
            StatusBarWidget(model: StatusBarModel(segments: [], filter: model)).draw(&pen, rect)
        }
        #expect(rows[0].hasPrefix("/ sev:crit bogus:x █  ← unknown field bogus, ignored  8 shown · Enter keeps · Esc back"), "\(rows[0])")
    }

    @Test func helpPagesWhatDoesNotFitAndSaysHow() {
        // 30 lines in two columns of eight rows: two pages.
        let lines = (1...30).map { ("key \($0) — does something useful", Role.text) }
        let model = HelpModel(lines: lines, page: 1, pagingHint: "Space more · any other key closes", closeHint: "any key closes")
        let rows = Self.draw(width: 70, height: 12) { pen, _ in HelpWidget(model: model).draw(&pen, size: Size(width: 70, height: 12)) }
        #expect(rows.contains { $0.contains("2/2 · Space more") }, "\(rows)")
        #expect(rows.contains { $0.contains("key 17 —") } && !rows.contains { $0.contains("key 1 —") }, "page 2 starts where page 1 ended")
        let short = HelpModel(lines: [("?      this help, and what the marks mean", .text)], page: 0, pagingHint: "", closeHint: "any key closes")
        let one = Self.draw(width: 40, height: 12) { pen, _ in HelpWidget(model: short).draw(&pen, size: Size(width: 40, height: 12)) }
        #expect(one.contains { $0.contains("any key closes") })
    }

    @Test func theWarRoomIn60x20SaysItsAlarmAndCountsWithoutAStore() {
        let size = Size(width: 60, height: 20)
        let rows = Layout.split(Rect(x: 0, y: 0, width: 60, height: 20), .vertical, [.fixed(1), .fixed(1), .fixed(4), .fixed(3), .fill(1), .fixed(1)])
        let panes = Layout.split(rows[4], .horizontal, [.fill(1), .fill(1)])
        var model = KioskModel(
            header: rows[0], banner: rows[1], counters: rows[2], criticals: rows[3], status: rows[5], clock: "02:14:07", servers: "ws://x/ws",
            alarm: "DATA STALE · last message 2m ago", live: " ● LIVE", counterValues: .totals([.critical: 3, .high: 12]), big: false,
            criticalLines: ["02:14:00  aws_s3_bucket.logs  acl  private → public-read  mallory"],
            drifts: (panes[0], Self.pane(width: panes[0].width, focused: true)), events: (panes[1], Self.pane(width: panes[1].width, focused: false)),
            statusLine: .line(" ● OPEN · rx 41", good: true, hint: " kiosk · q then y quits · ? help "))
        var text = Self.draw(width: size.width, height: size.height) { pen, _ in KioskWidget(model: model).draw(&pen) }
        #expect(text[0].hasPrefix(" TFDRIFT · WAR ROOM ") && text[0].hasSuffix(" 02:14:07 "))
        #expect(text[1].contains("DATA STALE · last message 2m ago"))
        #expect(text[2].contains("CRITICAL") && text[4].contains("3") && text[4].contains("12"), "\(text.joined(separator: "\n"))")
        #expect(text[7].contains("aws_s3_bucket.logs  acl"))
        #expect(text[19].hasPrefix(" ● OPEN · rx 41") && text[19].contains("q then y quits"))
        model.statusLine = .confirming(" Quit the war-room screen? y quits, any other key stays ")
        model.alarm = nil
        text = Self.draw(width: size.width, height: size.height) { pen, _ in KioskWidget(model: model).draw(&pen) }
        #expect(text[1].hasPrefix(" ● LIVE"))
        #expect(text[19].hasPrefix(" Quit the war-room screen?"))
    }

    /// Every hint the screen shows names keys that its context binds; one naming a key its context does not bind
    /// says nothing, so this test is what fails when a rebinding strands a hint.
    @Test func everyHintNamesKeysItsContextBinds() {
        for hint in Hints.all {
            #expect(hint.keys != nil, "\(hint.commands) is not bound in \(hint.context)")
        }
        #expect(Hint(.quit, "quits", .detail).keys == nil, "the detail binds no quit of its own")
        #expect(Hints.connectionsView.map(\.text) == ["j/↓ select", "r retry", "1-5 topics", "Esc/q/c back"])
        #expect(Hints.problems.compactMap(\.text).joined(separator: " · ") == "j/k scroll · Esc back")
        #expect(Hints.helpMore.text == "Space more")
    }

    /// The widgets and their frame pieces never take the store: only `Models/` builds models from it (as
    /// `extension State`), and the composition in `Dashboard.swift` hands each widget its model.
    @Test func noWidgetTakesTheStore() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/TFDriftView").standardized
        let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20)
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("state: State"), "\(file) takes the store")
            if file.hasPrefix("Widgets/") {
                // `State` the store's type, not `StateRecord` or `DetailState`.
                #expect(text.firstMatch(of: /(extension|:)\s*State\b/) == nil, "\(file) is a widget and reads the store")
            }
        }
    }
}

/// The overlays that take the body: the palette and the problems view, on small rectangles.
struct OverlayWidgetTests {
    @Test func thePaletteIn50x8ListsMatchesWithTheirKeys() {
        var pen = Pen(canvas: Canvas(size: Size(width: 50, height: 8)), options: RenderOptions())
        PaletteWidget(palette: PaletteState(text: "theme"), themes: ["default", "light"], query: nil, linkOpen: true, glyphs: .unicode)
            .draw(&pen, in: Rect(x: 0, y: 0, width: 50, height: 8))
        let rows = (0..<8).map { pen.canvas.row($0) }
        #expect(rows[0].contains("Command") && rows[0].contains("Enter runs"), "\(rows)")
        #expect(rows[1].contains(": theme"))
        #expect(rows.contains { $0.contains("next theme") && $0.contains("t") }, "an action with its key: \(rows)")
        #expect(rows.allSatisfy { $0.count == 50 })
    }

    @Test func theProblemsViewIn70x9FoldsRepeatsAndNamesTheServer() {
        var diagnostics = Diagnostics()
        diagnostics.malformed = 2
        diagnostics.problems.append(Problem(at: 3_600, .malformedMessage("bad"), server: 1))
        diagnostics.problems.append(Problem(at: 3_601, .malformedMessage("bad"), server: 1))
        diagnostics.problems.append(Problem(at: 3_602, .restFailed(path: "/api/v1/drifts", reason: "HTTP 500: boom")))
        var pen = Pen(canvas: Canvas(size: Size(width: 70, height: 9)), options: RenderOptions())
        ProblemsWidget(diagnostics: diagnostics, offset: 0, utcOffset: 0, serverNames: ["prod", "staging"])
            .draw(&pen, Rect(x: 0, y: 0, width: 70, height: 9))
        let rows = (0..<9).map { pen.canvas.row($0) }
        #expect(rows[0].contains("Problems 3") && rows[0].contains("j/k scroll · Esc back"), "\(rows)")
        #expect(rows.contains { $0.contains("rest") && $0.contains("GET /api/v1/drifts: HTTP 500: boom") }, "\(rows)")
        #expect(rows.contains { $0.contains("staging: malformed message: bad") && $0.contains("×2") }, "two in a row are one line: \(rows)")
    }
}
