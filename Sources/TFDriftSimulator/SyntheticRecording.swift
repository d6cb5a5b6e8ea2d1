import Foundation

/// A long recording made without a run: a header, an open, then `lines` frames each holding one low drift of a
/// distinct bucket, a millisecond apart. For measuring what a replay costs as recordings grow (the benchmark's
/// `replay` row, the bounded-memory test).
public enum SyntheticRecording {
    public static let header = #"{"tfdrift_recording":1,"program":"tfdrift-tui demo-server","url":"ws://127.0.0.1:9/ws","dialect":null,"started":"2026-11-27T20:24:06Z","started_at":1795811046,"topics":["drifts","events"],"filters":{},"settings":{"history_limit":10000,"rest":true}}"#

    /// Writes the recording to `path` in 1 MiB pieces; its size in bytes.
    @discardableResult
    public static func write(lines: Int, to path: String) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CocoaError(.fileWriteNoPermission) }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? file.close() }
        var text = header + "\n" + #"{"t":1795811047,"k":"open","g":1,"at":1795811047}"# + "\n"
        var size = 0
        for i in 0..<lines {
            let t = 1_795_811_048 + Double(i) / 1000
            text += #"{"t":\#(t),"k":"frame","g":1,"at":\#(t),"text":"{\"type\":\"drift\",\"payload\":{\"severity\":\"low\",\"resource_type\":\"aws_s3_bucket\",\"resource_id\":\"b-\#(i)\",\"attribute\":\"acl\",\"new_value\":\"public\"}}"}"# + "\n"
            if text.utf8.count > 1 << 20 {
                size += text.utf8.count
                file.write(Data(text.utf8))
                text = ""
            }
        }
        size += text.utf8.count
        file.write(Data(text.utf8))
        return size
    }
}
