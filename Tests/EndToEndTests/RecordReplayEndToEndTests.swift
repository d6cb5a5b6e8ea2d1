import Foundation
import Testing

/// `--record` and `replay` as a user runs them: the binary, a simulator process, a terminal.
@Suite(.serialized)
struct RecordReplayEndToEndTests {
    /// A run with restarts and a hostile burst, recorded by `tail`; `tail --replay` prints the same lines.
    @Test func tailReplayPrintsWhatTheLiveTailPrinted() throws {
        let server = try DemoServerProcess(rate: 40, extra: ["--restart-every", "1.5", "--hostile", "2", "--preload", "20"])
        defer { server.stop() }
        let recording = scratchFile("recording.ndjson")
        defer { unlink(recording) }
        let live = try run(try productPath(), [
            "tail", "--no-config", "--url", server.url, "--duration", "5", "--history-on-start", "10", "--backoff-max", "0.5",
            "--record", recording,
        ])
        #expect(live.status == 0, "\(live.err)")
        let replayed = try run(try productPath(), ["tail", "--replay", recording])
        #expect(replayed.status == 0, "\(replayed.err)")
        let liveLines = live.out.split(separator: "\n")
        let replayLines = replayed.out.split(separator: "\n")
        #expect(liveLines.count > 50)
        #expect(live.out.contains("\"phase\":\"reconnecting\""), "the run saw a restart")
        #expect(live.out.contains("sentinel-"), "and the hostile burst")
        #expect(replayLines.count == liveLines.count)
        for (index, (a, b)) in zip(liveLines, replayLines).enumerated() where a != b {
            Issue.record("line \(index + 1) differs:\n live:   \(a)\n replay: \(b)")
            break
        }
        let mode = try FileManager.default.attributesOfItem(atPath: recording)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // `--filter` narrows a replay as it narrows a live tail: exactly the live run's high and critical records.
        let filtered = try run(try productPath(), ["tail", "--replay", recording, "--filter", "sev:high+"])
        #expect(filtered.status == 0, "\(filtered.err)")
        func records(_ lines: [Substring]) -> [Substring] { lines.filter { $0.hasPrefix(#"{"kind":"event""#) } }
        let severe = records(liveLines).filter { $0.contains(#""severity":"high""#) || $0.contains(#""severity":"critical""#) }
        let filteredRecords = records(filtered.out.split(separator: "\n"))
        #expect(!severe.isEmpty && severe.count < records(liveLines).count, "the run had severe and other records")
        #expect(filteredRecords == severe)
    }

    /// The dashboard replays a recording: the status bar says where it is, Space pauses, ] jumps, q quits.
    @Test func theDashboardReplaysARecordingWithItsControls() throws {
        let server = try DemoServerProcess(rate: 30, extra: ["--preload", "30"])
        let recording = scratchFile("dashboard.ndjson")
        defer { unlink(recording) }
        let tail = try run(try productPath(), [
            "tail", "--no-config", "--url", server.url, "--duration", "3", "--history-on-start", "30", "--record", recording,
        ])
        server.stop()
        #expect(tail.status == 0, "\(tail.err)")
        let tmux = try Tmux(width: 120, height: 32, command: "bash --norc --noprofile")
        defer { tmux.kill() }
        try tmux.type("stty -g > \(tmux.modesFile("before")); clear")
        try tmux.type("\(try productPath()) replay \(recording) --speed 0.2; echo EXIT=$?")
        _ = try tmux.waitFor("the replay marker") { $0.contains(" REPLAY 0.2× ") }
        try tmux.send(" ")
        let paused = try tmux.waitFor("paused") { $0.contains("· PAUSED") }
        #expect(paused.contains("Drifts"))
        try tmux.send("+", "+", "+", "+", "+", "+", "+", "+", "+", "+", "+")
        try tmux.send(" ")
        let ended = try tmux.waitFor("the end, as fast as possible") { $0.contains("REPLAY max") && $0.contains("(100%) · END") }
        #expect(ended.contains("CRIT") || ended.contains("HIGH") || ended.contains("WARN"), "drifts on screen:\n\(ended)")
        // Investigating works in a replay as live: a filter, the detail, an export.
        try tmux.send("/")
        try tmux.type("sev:crit")
        let filtered = try tmux.waitFor("the Drifts pane narrowed") { $0.contains("/sev:crit") }
        let screenLines = filtered.split(separator: "\n")
        let top = try #require(screenLines.firstIndex { $0.contains("┌ Drifts") })
        let bottom = try #require(screenLines[top...].firstIndex { $0.hasPrefix("└") })
        let rows = screenLines[(top + 2)..<bottom].filter { $0.contains(":") }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains(" CRIT ") }, "only critical rows in the Drifts pane:\n\(filtered)")
        try tmux.send("Enter")
        _ = try tmux.waitFor("the detail") { $0.contains("Esc") && $0.contains("resource") }
        try tmux.send("Escape")
        let export = scratchFile("replay-export.ndjson")
        defer { unlink(export) }
        // `:` and the command in one write: the space must reach the palette `:` opens, not pause the replay.
        try tmux.type(":export \(export)")
        try tmux.waitFor("the export confirmed") { $0.contains("exported") }
        let lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("\"severity\":\"critical\"") }, "\(lines.prefix(3))")
        try tmux.send("q")
        _ = try tmux.waitFor("the exit status") { $0.contains("EXIT=0") }
        try tmux.expectTerminalRestored()
    }
}
