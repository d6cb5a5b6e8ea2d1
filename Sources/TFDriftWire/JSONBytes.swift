/// The same compact JSON as `JSONValue.jsonText`, written straight into a byte buffer: runs of bytes that need
/// no escaping are copied at once instead of a character at a time (`tail` writes a line per message, and
/// building them through `String` cost most of its time).
extension JSONValue {
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): JSONValue.writeNumber(n, to: &out)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, pair) in object.pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(pair.key, to: &out)
                out.append(UInt8(ascii: ":"))
                pair.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    public static func writeNumber(_ n: Double, to out: inout [UInt8]) {
        if n.isFinite, n == n.rounded(), abs(n) < 9_007_199_254_740_992 {
            var value = Int64(n)
            if value == 0 {
                out.append(UInt8(ascii: "0"))
                return
            }
            if value < 0 {
                out.append(UInt8(ascii: "-"))
                value = -value
            }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                while value > 0 {
                    buffer[count] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                    count += 1
                }
                for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
            }
            return
        }
        out.append(contentsOf: formatNumber(n).utf8)
    }

    /// Whether any of eight bytes (a little-endian word) is a quote, a backslash, a control character or not
    /// ASCII: the usual has-zero-byte / has-less / has-more tricks. A false alarm only sends the caller to its
    /// byte loop; a plain word is never reported.
    /// Inlinable: the decoder in TFDriftCore calls it for every eight bytes of every string.
    @inlinable @inline(__always)
    public static func needsEscaping(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & high }
        let control = (x &- ones &* 0x20) & ~x & high
        let above = ((x &+ ones) | x) & high
        return (control | above | hasZeroByte(x ^ (ones &* 0x22)) | hasZeroByte(x ^ (ones &* 0x5C))) != 0
    }

    /// A JSON string: printable ASCII other than `"` and `\` is copied in runs (found eight bytes at a time);
    /// other scalars are decoded only to ask whether they are unsafe for a terminal (controls, bidi,
    /// invisible), which are escaped as `\uXXXX`.
    public static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Native strings are read in place (no copy, no uniqueness check); others are made contiguous first.
        if s.utf8.withContiguousStorageIfAvailable({ writeStringBody($0, to: &out) }) == nil {
            var copy = s
            copy.withUTF8 { writeStringBody($0, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func writeStringBody(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        var i = 0
        let count = bytes.count
        @inline(__always) func flushRun(_ end: Int) {
            if end > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end])) }
        }
        let base = UnsafeRawPointer(bytes.baseAddress)
        while i < count {
            if let base, i + 8 <= count, !needsEscaping(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i += 8
                continue
            }
            let byte = bytes[i]
            if byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            if byte < 0x80 {
                flushRun(i)
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default: escape(UInt32(byte), to: &out)
                }
                i += 1
                runStart = i
                continue
            }
            // A multi-byte scalar (the String is valid UTF-8).
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            var scalar = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for j in 1..<length where i + j < count { scalar = scalar << 6 | UInt32(bytes[i + j] & 0x3F) }
            if TerminalSafety.isUnsafe(scalar) {
                flushRun(i)
                escape(scalar, to: &out)
                i += length
                runStart = i
            } else {
                i += length
            }
        }
        flushRun(count)
    }

    /// `\uXXXX`, as a surrogate pair above the BMP.
    static func escape(_ scalar: UInt32, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        func unit(_ value: UInt32) {
            out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
            for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int(value >> UInt32(shift) & 0xF)]) }
        }
        if scalar >= 0x10000 {
            let v = scalar - 0x10000
            unit(0xD800 + (v >> 10))
            unit(0xDC00 + (v & 0x3FF))
        } else {
            unit(scalar)
        }
    }
}
