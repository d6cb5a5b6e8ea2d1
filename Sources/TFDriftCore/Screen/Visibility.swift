/// What each pane shows: the items that pass its filter and the minimum severity, and, while paused, only
/// those that were there when the pause began. The list panes' models and the UI reducer both ask here, so
/// selection moves over exactly what is drawn.
extension State {
    public func filterFields(_ pane: Pane, _ seq: Int) -> FilterFields? {
        guard var fields = itemFields(pane, seq), let server = serverOf(pane, seq) else { return nil }
        fields.server = serverName(server)
        return fields
    }

    private func itemFields(_ pane: Pane, _ seq: Int) -> FilterFields? { feed.record(pane, at: seq) { $0.filterFields } }

    /// Which server sent the item.
    public func serverOf(_ pane: Pane, _ seq: Int) -> Int? { feed.record(pane, at: seq) { $0.server } }

    /// Sequence numbers a pane holds, oldest and newest, before filtering.
    public func retained(_ pane: Pane) -> ClosedRange<Int>? {
        guard let range = history(seqRangeOf: pane) else { return nil }
        let newest = ui.pausedAt?[pane].map { min(range.newest, $0 - 1) } ?? range.newest
        return newest >= range.oldest ? range.oldest...newest : nil
    }

    public func isVisible(_ pane: Pane, _ seq: Int) -> Bool {
        guard let range = retained(pane), range.contains(seq) else { return false }
        // Nothing narrows the pane: the range decides, without looking at the item (this runs per row, per frame).
        guard isNarrowed(pane) else { return true }
        // Decided when the item arrived or the filter changed; a state the reducer has not seen decides here.
        return ui.matches[pane]?[seq] ?? passes(pane, seq)
    }

    /// Whether anything narrows the pane (a filter or a minimum severity).
    public func isNarrowed(_ pane: Pane) -> Bool { ui.filter(of: pane) != nil || ui.minimumSeverity != nil || ui.serverScope != nil }

    /// The visible item `steps` away from `seq` (positive is older), stopping at the last one that exists.
    public func visible(_ pane: Pane, from seq: Int, steps: Int) -> Int? {
        guard let range = retained(pane) else { return nil }
        var current: Int? = isVisible(pane, seq) ? seq : nil
        var cursor = seq
        var remaining = abs(steps)
        let direction = steps >= 0 ? -1 : 1
        while remaining > 0 {
            cursor += direction
            guard range.contains(cursor) else { break }
            if isVisible(pane, cursor) {
                current = cursor
                remaining -= 1
            }
        }
        return current ?? nearestVisible(pane, to: seq)
    }

    public func newestVisible(_ pane: Pane) -> Int? {
        guard let range = retained(pane) else { return nil }
        return stride(from: range.upperBound, through: range.lowerBound, by: -1).first { isVisible(pane, $0) }
    }

    public func oldestVisible(_ pane: Pane) -> Int? {
        guard let range = retained(pane) else { return nil }
        return (range.lowerBound...range.upperBound).first { isVisible(pane, $0) }
    }

    func nearestVisible(_ pane: Pane, to seq: Int) -> Int? {
        guard let range = retained(pane) else { return nil }
        for distance in 0...(range.upperBound - range.lowerBound) {
            if range.contains(seq - distance), isVisible(pane, seq - distance) { return seq - distance }
            if range.contains(seq + distance), isVisible(pane, seq + distance) { return seq + distance }
        }
        return nil
    }

    /// How many items the pane shows, for its title (`shown/total`).
    public func visibleCount(_ pane: Pane) -> Int {
        guard let range = retained(pane) else { return 0 }
        guard isNarrowed(pane) || ui.pausedAt != nil else { return range.count }
        if ui.pausedAt == nil, let matches = ui.matches[pane], matches[range.lowerBound] != nil, matches[range.upperBound] != nil {
            return matches.count
        }
        return range.reduce(0) { $0 + (isVisible(pane, $1) ? 1 : 0) }
    }

    /// The item the pane's selection points at: the held one, or the newest visible while following.
    public func selectedSeq(_ pane: Pane) -> Int? {
        let scroll = ui.scroll(of: pane)
        if !scroll.follow, let selected = scroll.selected { return visible(pane, from: selected, steps: 0) }
        return newestVisible(pane)
    }
}
