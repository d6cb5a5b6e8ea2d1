import TFDriftCore

/// Where each pane goes for a terminal size. Pure, so every size can be tested.
public struct Layout: Equatable, Sendable {
    public static let minimumSize = Size(width: 60, height: 15)

    public var header: Rect
    public var status: Rect
    public var panes: [Pane: Rect]

    public static func compute(_ size: Size) -> Layout? {
        guard size.width >= minimumSize.width, size.height >= minimumSize.height else { return nil }
        let header = Rect(x: 0, y: 0, width: size.width, height: 1)
        let status = Rect(x: 0, y: size.height - 1, width: size.width, height: 1)
        let body = Rect(x: 0, y: 1, width: size.width, height: size.height - 2)
        var panes: [Pane: Rect] = [:]
        if size.width >= 120 {
            // Wide: drifts and events on the left, stats and state in a side column.
            let side = max(38, size.width * 3 / 10)
            let main = body.width - side
            let driftHeight = body.height * 3 / 5
            panes[.drifts] = Rect(x: 0, y: body.y, width: main, height: driftHeight)
            panes[.events] = Rect(x: 0, y: body.y + driftHeight, width: main, height: body.height - driftHeight)
            let statsHeight = min(max(12, body.height / 2), body.height - 5)
            panes[.stats] = Rect(x: main, y: body.y, width: side, height: statsHeight)
            panes[.state] = Rect(x: main, y: body.y + statsHeight, width: side, height: body.height - statsHeight)
        } else {
            // Narrow: drifts on top, events below, state and stats side by side at the bottom.
            let driftHeight = max(5, body.height * 2 / 5)
            let eventHeight = max(4, (body.height - driftHeight) / 2)
            let bottomHeight = body.height - driftHeight - eventHeight
            panes[.drifts] = Rect(x: 0, y: body.y, width: body.width, height: driftHeight)
            panes[.events] = Rect(x: 0, y: body.y + driftHeight, width: body.width, height: eventHeight)
            let half = body.width / 2
            let bottomY = body.y + driftHeight + eventHeight
            panes[.state] = Rect(x: 0, y: bottomY, width: half, height: bottomHeight)
            panes[.stats] = Rect(x: half, y: bottomY, width: body.width - half, height: bottomHeight)
        }
        return Layout(header: header, status: status, panes: panes)
    }

    /// Every list pane's page, for the store (`Action.resized`).
    public static func pageRows(_ size: Size) -> [Pane: Int] {
        guard let layout = compute(size) else { return [:] }
        var rows: [Pane: Int] = [:]
        for pane in Pane.allCases where layout.panes[pane] != nil { rows[pane] = layout.listRows(pane) }
        return rows
    }

    /// How many list rows a pane shows (inside the border, below the column header): a page for PgUp/PgDn.
    public func listRows(_ pane: Pane) -> Int {
        guard let rect = panes[pane] else { return 1 }
        let inner = rect.inner.height
        return max(1, inner >= 4 ? inner - 1 : inner)
    }
}
