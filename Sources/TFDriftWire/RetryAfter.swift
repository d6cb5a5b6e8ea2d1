/// `Retry-After` as servers send it: plain seconds (`120`, RFC 9110) or Go duration syntax, which the real
/// server's rate limiter uses (`9.9ms`, `1.5s`, `2m30s`). Returns seconds, or nil when unreadable.
public enum RetryAfter {
    public static func parse(_ text: String) -> Double? {
        let s = text.trimmingBlanks
        if s.isEmpty { return nil }
        if let whole = Int(s), whole >= 0 { return Double(whole) }
        var total = 0.0
        var rest = Substring(s)
        var parsedAny = false
        while !rest.isEmpty {
            let numberEnd = rest.firstIndex { !($0.isNumber || $0 == ".") } ?? rest.endIndex
            guard numberEnd > rest.startIndex, let value = Double(rest[rest.startIndex..<numberEnd]) else { return nil }
            rest = rest[numberEnd...]
            let unitEnd = rest.firstIndex { $0.isNumber || $0 == "." } ?? rest.endIndex
            let unit = rest[rest.startIndex..<unitEnd]
            rest = rest[unitEnd...]
            let scale: Double
            switch unit {
            case "ns": scale = 1e-9
            case "us", "µs": scale = 1e-6
            case "ms": scale = 1e-3
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            total += value * scale
            parsedAny = true
        }
        return parsedAny && total.isFinite ? total : nil
    }
}
