import TFDriftCore

/// The bindings table as Markdown, for the README (a test keeps the two equal).
public enum KeyTable {
    public static var markdown: String {
        var lines = ["| where | key | action |", "|---|---|---|"]
        for row in Bindings.table {
            let keys = row.label.split(separator: " ").map { "`\($0)`" }.joined(separator: " ")
            lines.append("| \(row.context.title) | \(keys) | \(row.help) |")
        }
        return lines.joined(separator: "\n")
    }
}
