/// RFC 3339 timestamps as the server writes them (`2026-08-10T18:30:01+09:00`, `…Z`, optional fraction).
/// Seconds since the Unix epoch; `nil` for `""` or anything unparsable, so callers fall back to receive time.
public enum Timestamp {
    public static func parse(_ text: String) -> Double? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
    }

    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard b.count >= 20 else { return nil }
        func num(_ start: Int, _ len: Int) -> Int? {
            var v = 0
            for i in start..<start + len {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45, let day = num(8, 2),
            b[10] == 84 || b[10] == 116 || b[10] == 32,
            let hour = num(11, 2), b[13] == 58, let minute = num(14, 2), b[16] == 58, let second = num(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case 90, 122:  // Z z
            guard i + 1 == b.count else { return nil }
        case 43, 45:  // + -
            guard i + 6 == b.count, let oh = num(i + 1, 2), b[i + 3] == 58, let om = num(i + 4, 2) else {
                return nil
            }
            offset = (oh * 60 + om) * 60 * (b[i] == 45 ? -1 : 1)
        default:
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Double(seconds) + fraction
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Years 0000–9999, the range RFC 3339 can write; other times are shown at its ends, never trapped on.
    static let representable = -62_167_219_200...253_402_300_799

    /// Formats epoch seconds as `2026-11-27T03:01:43Z`: twenty bytes written in place (`tail` formats two per
    /// line, so no intermediate strings).
    public static func format(_ seconds: Double) -> String {
        let total = Checked.clamped(seconds.rounded(.down), to: representable)
        var days = total / 86_400
        var rem = total % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let (y, m, d) = civilFromDays(days)
        return String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var v = value
                for i in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
            }
            put(y, 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(m, 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(d, 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            put(rem / 3600, 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(rem / 60 % 60, 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(rem % 60, 2, at: 17)
            buffer[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// `20261127T030143Z`: sortable and safe in a file name.
    public static func fileStamp(_ seconds: Double) -> String {
        format(seconds).filter { $0 != "-" && $0 != ":" }
    }

    /// `HH:MM:SS` in UTC, or shifted by `utcOffset` seconds.
    public static func clock(_ seconds: Double, utcOffset: Int = 0) -> String {
        var rem = (Checked.clamped(seconds.rounded(.down), to: representable) + utcOffset % 86_400) % 86_400
        if rem < 0 { rem += 86_400 }
        return "\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):\(pad(rem % 60, 2))"
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
