import Foundation
import Testing
import TFDriftSimulator

/// Recordings travel between people (bug reports, incident reviews), so they are as hostile as a server:
/// impossible numbers, huge files and endless lines, played by `tail --replay` and `replay` as a user would.
@Suite(.serialized)
struct HostileRecordingTests {
    static let header = #"{"tfdrift_recording":1,"program":"tfdrift-tui 0.1.0","url":"ws://127.0.0.1:9/ws","dialect":null,"started":"2026-11-27T20:24:06Z","started_at":1795811046,"topics":["drifts","events"],"filters":{},"settings":{"history_limit":10000,"rest":true}}"#

    static func write(_ lines: [String]) throws -> String {
        let path = scratchFile("recording.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func rest(_ t: Int, page: String, limit: String) -> String {
        #"{"t":\#(t),"k":"rest","at":\#(t),"request":{"name":"drifts","page":\#(page),"limit":\#(limit)},"body":{"success":true,"data":{"data":[{"resource_id":"x"}],"total":3}}}"#
    }

    /// Pages of 2^53 and a negative limit crashed both replays (SIGILL: an arithmetic overflow, a negative prefix).
    @Test(arguments: [("9007199254740992", "9007199254740992"), ("1", "-3")])
    func aRecordingWithAnImpossiblePageStopsAtItsLineAndExits1(page: String, limit: String) throws {
        let path = try Self.write([
            Self.header, #"{"t":1795811047,"k":"started","at":1795811047}"#, Self.rest(1_795_811_048, page: page, limit: limit),
            #"{"t":1795811049,"k":"tick","at":1795811049}"#,
        ])
        defer { unlink(path) }
        let result = try run(try productPath(), ["tail", "--replay", path])
        #expect(result.status == 1, "exit \(result.status): \(result.err)")
        #expect(result.err.contains("replay stopped at \(path):3: a REST answer to a"), "\(result.err)")

        // The dashboard's replay says the same once the screen is back, and exits 1 too.
        let tmux = try Tmux(width: 120, height: 30, command: "bash --norc --noprofile")
        defer { tmux.kill() }
        try tmux.type("\(try productPath()) replay \(path) --speed 0; echo EXIT=$?")
        _ = try tmux.waitFor("the replay to stop at the damage") { $0.contains("REPLAY") && $0.contains(":3:") }
        try tmux.send("q")
        let screen = try tmux.waitFor("the exit status") { $0.range(of: "EXIT=[0-9]", options: .regularExpression) != nil }.replacingOccurrences(of: "\n", with: "")
        #expect(screen.contains("EXIT=1"), "\(screen)")
        #expect(screen.contains("replay stopped at \(path):3: a REST answer to a"), "\(screen)")
    }

    /// 300,000 lines were all parsed and kept before the first played (172 MB for one such file): now only an
    /// index is kept and each line is read again when it plays.
    @Test func aLongRecordingPlaysInBoundedMemory() throws {
        let path = scratchFile("long.ndjson")
        defer { unlink(path) }
        let lines = 300_000
        let size = try SyntheticRecording.write(lines: lines, to: path)
        #expect(size > 50_000_000, "the file is \(size) bytes")
        // Nothing is severe enough to print: the replay's cost is reading and reducing, not writing.
        let started = Date()
        let result = try runSamplingPeak(try productPath(), ["tail", "--replay", path, "--filter", "sev:critical"])
        print("replayed \(lines) lines (\(size / 1_000_000) MB) in \(Date().timeIntervalSince(started)) s, peak RSS \(result.peakKB / 1024) MB")
        #expect(result.status == 0, "\(result.err)")
        #expect(result.peakKB > 0 && result.peakKB < 60 * 1024, "peak RSS \(result.peakKB / 1024) MB for a \(size / 1_000_000) MB recording of \(lines) lines")
    }

    /// A 1 GB line cost 2.1 GB: a line past the stated limit is damage, found without reading it whole.
    @Test func aLineLongerThanTheLimitIsDamageNotAnAllocation() throws {
        let path = scratchFile("endless.ndjson")
        defer { unlink(path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data((Self.header + "\n").utf8)))
        let file = try #require(FileHandle(forWritingAtPath: path))
        file.seekToEndOfFile()
        let chunk = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 { file.write(chunk) }
        try file.close()
        let result = try runSamplingPeak(try productPath(), ["tail", "--replay", path])
        print("a 100 MiB line: exit \(result.status), peak RSS \(result.peakKB / 1024) MB")
        #expect(result.status == 1, "exit \(result.status): \(result.err)")
        #expect(result.err.contains("\(path):2: a line longer than 64 MiB"), "\(result.err)")
        #expect(result.peakKB > 0 && result.peakKB < 160 * 1024, "peak RSS \(result.peakKB / 1024) MB")
    }
}
