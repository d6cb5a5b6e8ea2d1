#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of a frame that could not be understood, kept so the operator can see what went wrong.
public struct DecodeFailure: Sendable, Equatable {
    public var error: WireError
    /// The beginning of the offending line (at most 120 bytes, lossily decoded).
    public var excerpt: String
}

/// The result of decoding one WebSocket text message.
public struct DecodedFrame: Sendable {
    public var messages: [ServerMessage] = []
    public var failures: [DecodeFailure] = []

    public init(messages: [ServerMessage] = [], failures: [DecodeFailure] = []) {
        self.messages = messages
        self.failures = failures
    }
}

/// The single entry point from frame bytes to messages. A faster path replaces the body, not the callers.
///
/// The real server joins every message queued at write time with `\n` into one WebSocket message
/// (the welcome included), so every frame is split on newlines and each non-empty line parsed alone.
/// JSON never contains a raw newline, so splitting cannot cut an object.
public enum FrameDecoder {
    /// One line of a frame: a message, or why it could not be one.
    public enum Line {
        /// A message and the bytes of its line (valid only during the callback).
        case message(ServerMessage, UnsafeBufferPointer<UInt8>)
        case failure(DecodeFailure)
    }

    /// Calls `body` for each non-empty line, in order. Each line's JSON tree is gone before the next is parsed,
    /// so a large frame never holds more than one line's tree in memory.
    public static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Line) -> Void) {
        forEachLineOfBytes(bytes) { decodeLine($0, body) }
    }

    /// How many lines `bytes` holds, counting at most `limit`: enough to size an array once. The cap keeps a
    /// frame of nothing but newlines from reserving room for millions of items.
    public static func lineCount(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 4096) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var lines = 1
        var from = 0
        while lines < limit, from < bytes.count, let hit = memchr(base + from, 0x0A, bytes.count - from) {
            lines += 1
            from = UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
        }
        return lines
    }

    /// Calls `body` with each non-empty line's bytes, trimmed of spaces, tabs and carriage returns, in order.
    public static func forEachLineOfBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        var lineStart = 0
        while lineStart <= count {
            // memchr finds the newline many bytes at a time; a frame is mostly long lines.
            let end = memchr(base + lineStart, 0x0A, count - lineStart).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
            var start = lineStart
            var stop = end
            while start < stop, isSpace(bytes[start]) { start += 1 }
            while stop > start, isSpace(bytes[stop - 1]) { stop -= 1 }
            if start < stop { body(UnsafeBufferPointer(rebasing: bytes[start..<stop])) }
            lineStart = end + 1
        }
    }

    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodedFrame {
        var frame = DecodedFrame()
        forEachLine(bytes) { line in
            switch line {
            case .message(let m, _): frame.messages.append(m)
            case .failure(let f): frame.failures.append(f)
            }
        }
        return frame
    }

    public static func decode(_ bytes: [UInt8]) -> DecodedFrame {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    public static func decode(_ text: String) -> DecodedFrame {
        var copy = text
        return copy.withUTF8 { decode($0) }
    }

    /// One line: its message (or why it is none) and, when text had to be repaired, a note saying so, so that
    /// nothing a strict parser would refuse is taken in silently.
    public static func decodeLine(_ line: UnsafeBufferPointer<UInt8>, _ body: (Line) -> Void) {
        do {
            let (json, repaired) = try JSONParser.parseReportingRepairs(buffer: line)
            body(.message(try ServerMessage(json: json), line))
            if repaired { body(.failure(DecodeFailure(error: .repairedText, excerpt: excerpt(line)))) }
        } catch let error as JSONParseError {
            body(.failure(DecodeFailure(error: .malformed(error), excerpt: excerpt(line))))
        } catch let error as WireError {
            body(.failure(DecodeFailure(error: error, excerpt: excerpt(line))))
        } catch {
            body(.failure(DecodeFailure(error: .notAnObject, excerpt: excerpt(line))))
        }
    }

    static func excerpt(_ line: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: line[0..<min(line.count, 120)]), as: UTF8.self)
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
}
