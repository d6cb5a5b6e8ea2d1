import TFDriftCore

/// How much of a side a part of a split takes.
public enum Constraint: Equatable, Sendable {
    /// Exactly this many cells (less if the rectangle is smaller).
    case fixed(Int)
    /// A share of what the fixed parts leave, by weight.
    case fill(Int)
}

public enum Axis: Sendable {
    /// Parts side by side, left to right.
    case horizontal
    /// Parts stacked, top to bottom.
    case vertical
}

/// What the state asks of the layout besides the terminal's size.
public struct Arrangement: Equatable, Sendable {
    /// The pane that has the whole body (`z`).
    public var maximized: Pane?
    /// The State pane has nothing to show (the server has no Terraform state): one line, its room to the others.
    public var stateCollapsed: Bool
    /// With several servers, the width of the server column in front of every list.
    public var serverColumn: Int?

    public init(maximized: Pane? = nil, stateCollapsed: Bool = false, serverColumn: Int? = nil) {
        self.maximized = maximized
        self.stateCollapsed = stateCollapsed
        self.serverColumn = serverColumn
    }

}

/// Where each pane goes for a terminal size. Pure, so every size can be tested.
public struct Layout: Equatable, Sendable {
    public static let minimumSize = Size(width: 60, height: 15)
    /// A collapsed pane: one line, no border.
    static let collapsedHeight = 1

    public var header: Rect
    public var status: Rect
    /// Between the header and the status bar: the panes' room, and the full-screen views' (detail, connections,
    /// problems).
    public var body: Rect
    public var panes: [Pane: Rect]

    /// Cuts `rect` along `axis`: fixed parts first, then the fill parts share the rest by weight (the last one
    /// takes what rounding left), so the parts always tile the rectangle exactly.
    public static func split(_ rect: Rect, _ axis: Axis, _ parts: [Constraint]) -> [Rect] {
        let total = axis == .horizontal ? rect.width : rect.height
        var sizes = parts.map { part -> Int in
            if case .fixed(let n) = part { return max(0, n) }
            return 0
        }
        var fixedTotal = sizes.reduce(0, +)
        // Fixed parts that do not fit shrink from the last one.
        var index = sizes.count - 1
        while fixedTotal > total, index >= 0 {
            let cut = min(sizes[index], fixedTotal - total)
            sizes[index] -= cut
            fixedTotal -= cut
            index -= 1
        }
        let remaining = total - fixedTotal
        let weights = parts.map { part -> Int in
            if case .fill(let w) = part { return max(0, w) }
            return 0
        }
        let weightTotal = weights.reduce(0, +)
        if weightTotal > 0 {
            var given = 0
            let lastFill = weights.lastIndex { $0 > 0 }!
            for (i, weight) in weights.enumerated() where weight > 0 {
                sizes[i] = i == lastFill ? remaining - given : remaining * weight / weightTotal
                given += sizes[i]
            }
        }
        var offset = axis == .horizontal ? rect.x : rect.y
        return sizes.map { size in
            defer { offset += size }
            return axis == .horizontal
                ? Rect(x: offset, y: rect.y, width: size, height: rect.height)
                : Rect(x: rect.x, y: offset, width: rect.width, height: size)
        }
    }

    public static func compute(_ size: Size, _ arrangement: Arrangement = Arrangement()) -> Layout? {
        guard size.width >= minimumSize.width, size.height >= minimumSize.height else { return nil }
        let rows = split(Rect(x: 0, y: 0, width: size.width, height: size.height), .vertical, [.fixed(1), .fill(1), .fixed(1)])
        let (header, body, status) = (rows[0], rows[1], rows[2])
        var panes: [Pane: Rect] = [:]
        if let pane = arrangement.maximized {
            panes[pane] = body
        } else if let columns = sideColumn(body, arrangement) {
            // Wide: drifts and events on the left, stats and state in a side column.
            let main = split(columns[0], .vertical, [.fill(3), .fill(2)])
            panes[.drifts] = main[0]
            panes[.events] = main[1]
            let side: [Rect]
            if arrangement.stateCollapsed {
                side = split(columns[1], .vertical, [.fill(1), .fixed(collapsedHeight)])
            } else {
                side = split(columns[1], .vertical, [.fixed(min(max(12, body.height / 2), body.height - 5)), .fill(1)])
            }
            panes[.stats] = side[0]
            panes[.state] = side[1]
        } else {
            // Narrow: drifts on top, events below, state and stats side by side at the bottom.
            let driftHeight = max(5, body.height * 2 / 5)
            let eventHeight = max(4, (body.height - driftHeight) / 2)
            if arrangement.stateCollapsed {
                let stack = split(body, .vertical, [.fixed(driftHeight), .fixed(eventHeight), .fill(1), .fixed(collapsedHeight)])
                panes[.drifts] = stack[0]
                panes[.events] = stack[1]
                panes[.stats] = stack[2]
                panes[.state] = stack[3]
            } else {
                let stack = split(body, .vertical, [.fixed(driftHeight), .fixed(eventHeight), .fill(1)])
                panes[.drifts] = stack[0]
                panes[.events] = stack[1]
                let bottom = split(stack[2], .horizontal, [.fill(1), .fill(1)])
                panes[.state] = bottom[0]
                panes[.stats] = bottom[1]
            }
        }
        return Layout(header: header, status: status, body: body, panes: panes)
    }

    /// The body cut into the main column and a side column, from 120 cells on, once the Drifts pane in the main
    /// column keeps every column the full-width pane shows (a wider terminal never shows fewer); nil: stacked.
    static func sideColumn(_ body: Rect, _ arrangement: Arrangement) -> [Rect]? {
        guard body.width >= 120 else { return nil }
        let columns = split(body, .horizontal, [.fill(1), .fixed(max(38, body.width * 3 / 10))])
        let specs = (arrangement.serverColumn.map { [ColumnSpec.server(width: $0)] } ?? []) + ListPanes.drifts.specs
        let fits = ColumnSpec.columns(specs, total: ColumnSpec.room(inPane: columns[0].width)).allSatisfy { $0.width > 0 }
        return fits ? columns : nil
    }

    /// A box `width` × `height` in the middle of `rect` (both cut to it): the help.
    public static func centered(width: Int, height: Int, in rect: Rect) -> Rect {
        let w = min(width, rect.width), h = min(height, rect.height)
        return Rect(x: rect.x + (rect.width - w) / 2, y: rect.y + (rect.height - h) / 2, width: w, height: h)
    }

    /// A box `width` × `height` centred across the top of `rect` (both cut to it): the palette, under the header.
    public static func top(width: Int, height: Int, in rect: Rect) -> Rect {
        let w = min(width, rect.width), h = min(height, rect.height)
        return Rect(x: rect.x + (rect.width - w) / 2, y: rect.y, width: w, height: h)
    }

    /// Every list pane's page, for the store (`Action.resized`).
    public static func pageRows(_ size: Size, _ arrangement: Arrangement = Arrangement()) -> [Pane: Int] {
        guard let layout = compute(size, arrangement) else { return [:] }
        var rows: [Pane: Int] = [:]
        for pane in Pane.allCases where layout.panes[pane] != nil { rows[pane] = layout.listRows(pane) }
        return rows
    }

    /// How many list rows a pane shows (inside the border, below the column header): a page for PgUp/PgDn.
    public func listRows(_ pane: Pane) -> Int {
        guard let rect = panes[pane] else { return 1 }
        let inner = rect.inner
        return max(1, inner.height >= 4 ? inner.height - 1 : inner.height)
    }
}
