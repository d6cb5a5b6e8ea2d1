/// Aligns two texts line by line for a side-by-side view: a longest common subsequence keeps shared lines on one
/// row; what lies between them is paired up (a changed line next to its replacement), the rest stands alone.
enum LineDiff {
    struct Row: Equatable {
        var old: String?
        var new: String?
    }

    /// Beyond this many lines a side, the quadratic table is not worth it: lines are paired in order instead.
    static let maximumLines = 600

    static func align(_ old: [String], _ new: [String]) -> [Row] {
        guard old.count <= maximumLines, new.count <= maximumLines else {
            return (0..<max(old.count, new.count)).map { Row(old: $0 < old.count ? old[$0] : nil, new: $0 < new.count ? new[$0] : nil) }
        }
        // lengths[i][j]: the longest common subsequence of old[i...] and new[j...].
        let n = old.count, m = new.count
        var lengths = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lengths[i][j] = old[i] == new[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var rows: [Row] = []
        var removed: [String] = []
        var added: [String] = []
        func flush() {
            for k in 0..<max(removed.count, added.count) {
                rows.append(Row(old: k < removed.count ? removed[k] : nil, new: k < added.count ? added[k] : nil))
            }
            removed = []
            added = []
        }
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                flush()
                rows.append(Row(old: old[i], new: new[j]))
                i += 1
                j += 1
            } else if j >= m || (i < n && lengths[i + 1][j] >= lengths[i][j + 1]) {
                removed.append(old[i])
                i += 1
            } else {
                added.append(new[j])
                j += 1
            }
        }
        flush()
        return rows
    }
}
