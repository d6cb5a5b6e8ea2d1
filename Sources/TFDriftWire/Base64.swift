/// RFC 4648 Base64 with padding, for the WebSocket handshake key, the clipboard's OSC 52 payload and the
/// messages of a recording that are not UTF-8. Written
/// here because the project keeps Foundation out of its libraries and NIO keeps its own encoder private.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i]
            let b1 = i + 1 < bytes.count ? bytes[i + 1] : 0
            let b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return out
    }

    /// The bytes of padded Base64 text; nil for anything else (a wrong length, a character outside the alphabet,
    /// padding in the middle), so a damaged recording line is reported, never guessed at.
    public static func decode(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (index, symbol) in alphabet.enumerated() { values[Int(symbol)] = UInt8(index) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var i = 0
        while i < text.count {
            let last = i + 4 == text.count
            let pad = last ? (text[i + 3] == UInt8(ascii: "=") ? (text[i + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var group: UInt32 = 0
            for j in 0..<4 {
                let symbol = text[i + j]
                if j >= 4 - pad {
                    group <<= 6
                    continue
                }
                let value = values[Int(symbol)]
                guard value != 0xFF else { return nil }
                group = group << 6 | UInt32(value)
            }
            out.append(UInt8(group >> 16 & 0xFF))
            if pad < 2 { out.append(UInt8(group >> 8 & 0xFF)) }
            if pad < 1 { out.append(UInt8(group & 0xFF)) }
            i += 4
        }
        return out
    }
}
