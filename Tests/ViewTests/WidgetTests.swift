import Testing
@testable import TFDriftCore
@testable import TFDriftView

/// Widgets drawn from their own models into small rectangles, without the store.
struct WidgetTests {
    static func stats(_ severities: [Severity]) -> Statistics {
        var stats = Statistics()
        for (i, severity) in severities.enumerated() {
            stats.record(kind: "drift", severity: severity, resourceType: "aws_s3_bucket", at: 1_000 + Double(i))
        }
        return stats
    }

    static func draw(_ model: StatsModel, width: Int, height: Int) -> [String] {
        var pen = Pen(canvas: Canvas(size: Size(width: width, height: height)), options: RenderOptions())
        StatsWidget(model: model, glyphs: .unicode).draw(&pen, Rect(x: 0, y: 0, width: width, height: height))
        return (0..<height).map { pen.canvas.row($0) }
    }

    @Test func statsOfOneServerIn30x6() {
        var link = ConnectionState(url: "ws://x/ws")
        link.phase = .open
        link.openedAt = 1_000
        let rows = Self.draw(StatsModel(stats: Self.stats([.critical, .critical, .high]), link: link, now: 1_030), width: 30, height: 6)
        #expect(rows[0].hasPrefix("┌ Stats "))
        #expect(rows[1] == "│ 3 received · 3/min         │")
        #expect(rows[2].hasPrefix("│ link up 00:30"))
        #expect(rows[5].hasPrefix("└"))
        // Five rows of room: the severity bars do not fit, and nothing spills out of the box.
        #expect(rows.allSatisfy { $0.count == 30 })
    }

    @Test func statsOfSeveralServersShowARowEachThenTheTotal() {
        var model = StatsModel(stats: Self.stats([.critical, .high]), link: ConnectionState(url: "ws://x/ws"), now: 1_010)
        model.servers = [("prod", Self.stats([.critical]), .title), ("staging", Self.stats([.high]), .title), ("total", Self.stats([.critical, .high]), .columnHeader)]
        let rows = Self.draw(model, width: 40, height: 8)
        #expect(rows[2].contains("server") && rows[2].contains("CRIT") && rows[2].contains("all"), "\(rows)")
        #expect(rows[3].hasPrefix("│ prod ") && rows[4].hasPrefix("│ staging") && rows[5].hasPrefix("│ total"))
    }

    @Test func statsSaysItsTopicIsOffAndFitsATinyRectangle() {
        var model = StatsModel(stats: Statistics(), link: ConnectionState(url: "ws://x/ws"), now: 0)
        model.offHint = "off — press 5 to subscribe"
        let rows = Self.draw(model, width: 40, height: 3)
        #expect(rows[0].contains("off — press 5 to subscribe"))
        #expect(Self.draw(model, width: 3, height: 2).allSatisfy { $0.count == 3 }, "a box too small for anything inside")
    }

    static func server(_ name: String, open: Bool) -> ConnectionsModel.Server {
        ConnectionsModel.Server(
            name: name, open: open, phase: open ? ("● open", .statusGood) : ("↻ retry in 4s", .statusWarn), attempt: open ? 0 : 2,
            roundTrip: open ? 0.012 : nil, silentFor: open ? 1 : nil, gaps: open ? 0 : 1, dialect: "real v0.14.0",
            detail: "ws://\(name):8080/ws · drifts✓", why: open ? nil : ("last close: 1006", .dim), sight: ("readiness: ok", .dim))
    }

    static func connections(width: Int) -> [String] {
        let model = ConnectionsModel(servers: [Self.server("prod", open: true), Self.server("staging", open: false)], selected: 1)
        var pen = Pen(canvas: Canvas(size: Size(width: width, height: 9)), options: RenderOptions())
        ConnectionsWidget(model: model, glyphs: .unicode).draw(&pen, Rect(x: 0, y: 0, width: width, height: 9))
        return (0..<9).map { pen.canvas.row($0) }
    }

    @Test func connectionsIn100x9ShowTheSelectedServerAndTheKeysFromTheTable() {
        let rows = Self.connections(width: 100)
        #expect(rows[0].hasPrefix("┌ Connections 1/2 open"))
        // The hint's keys are the table's labels for this view: a rebinding moves them.
        let move = Bindings.label(of: .connectionsMove(1), in: .connections)!, back = Bindings.label(of: .toggleConnections, in: .connections)!
        #expect(rows[0].contains("\(move) select") && rows[0].contains("\(back) back"), "\(rows[0])")
        #expect(rows[1].contains("SERVER") && rows[1].contains("PHASE"))
        #expect(rows[2].hasPrefix("│ prod ") && rows[2].contains("12 ms"))
        #expect(rows[3].contains("ws://prod:8080/ws"))
        // Seven rows inside: prod's three lines, then staging's figures and address; its last close is cut off.
        #expect(rows[5].contains("→ staging") && rows[5].contains("↻ retry in 4s"))
        #expect(rows[6].contains("ws://staging:8080/ws"))
        #expect(rows[7].contains("last close: 1006"))
        #expect(rows[8].hasPrefix("└"))
    }

    /// Narrower, the hints keep selecting and the way back.
    @Test func connectionsIn56ColumnsKeepTheFirstAndLastHint() {
        let top = Self.connections(width: 56)[0]
        let move = Bindings.label(of: .connectionsMove(1), in: .connections)!, back = Bindings.label(of: .toggleConnections, in: .connections)!
        #expect(top.contains("\(move) select · \(back) back"), "\(top)")
        #expect(!top.contains("retry"))
    }

    /// A drift's detail in 60x10: the resource, the change side by side, the keys from the table that fit.
    @Test func detailOfADriftIn60x10() {
        let drift = DriftRecord(
            receivedAt: 0, severity: .critical, resourceType: "aws_s3_bucket", resourceName: "logs", resourceID: "corp-logs",
            attribute: "acl", oldValue: "private", newValue: "public-read", user: "alice")
        let detail = DetailState(pane: .drifts, seq: 0)
        var pen = Pen(canvas: Canvas(size: Size(width: 60, height: 10)), options: RenderOptions())
        DetailWidget(item: DetailItem(raw: drift.raw) { $0.driftLines(drift) }, detail: detail).draw(&pen, Rect(x: 0, y: 0, width: 60, height: 10))
        let text = (0..<10).map { pen.canvas.row($0) }.joined(separator: "\n")
        #expect(text.contains("┌ Detail") && text.contains("aws_s3_bucket.logs"))
        #expect(text.contains("private") && text.contains("public-read"))
        let back = Bindings.label(of: .closeDetail, in: .detail)!
        #expect(text.contains("\(back) back"), "\(text)")
        // Gone from the history: said so, not a blank box.
        var gone = Pen(canvas: Canvas(size: Size(width: 60, height: 6)), options: RenderOptions())
        DetailWidget(item: nil, detail: detail).draw(&gone, Rect(x: 0, y: 0, width: 60, height: 6))
        #expect(gone.canvas.row(1).contains("no longer in the pane's history"))
    }

    /// Overlays are placed by the layout: full-screen views take its body, the help is centred, the palette sits
    /// across the body's top; a box larger than its room is cut to it.
    @Test func overlaysArePlacedByTheLayout() throws {
        let layout = try #require(Layout.compute(Size(width: 100, height: 30)))
        #expect(layout.body == Rect(x: 0, y: 1, width: 100, height: 28))
        #expect(Layout.centered(width: 40, height: 10, in: layout.body) == Rect(x: 30, y: 10, width: 40, height: 10))
        #expect(Layout.top(width: 76, height: 8, in: layout.body) == Rect(x: 12, y: 1, width: 76, height: 8))
        #expect(Layout.centered(width: 400, height: 400, in: layout.body) == layout.body)
    }
}
