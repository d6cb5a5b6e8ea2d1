import Foundation
import Testing

/// The built binary in a real terminal (tmux), read the way a person reads it.
@Suite(.serialized)
struct DashboardInTmuxTests {
    @Test func liveDashboardTogglesATopicAndQuitsToAUsableShell() throws {
        let server = try DemoServerProcess(rate: 40)
        defer { server.stop() }
        let tmux = try Tmux.shellRunningDashboard(url: server.url, width: 120, height: 40)
        defer { tmux.kill() }

        let live = try tmux.waitFor("drifts and events on screen") { screen in
            (paneCount("Drifts", in: screen) ?? 0) >= 3 && (paneCount("Events", in: screen) ?? 0) >= 1 && screen.contains("OPEN")
        }
        let status = live.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
        #expect(status.contains("drifts✓"), "status bar: \(status)")

        try tmux.send("2")
        try tmux.waitFor("drifts unsubscribed in the status bar") { screen in
            let bar = screen.split(separator: "\n").last { $0.contains("OPEN") }.map(String.init) ?? ""
            return !bar.contains("drifts") && bar.contains("events✓")
        }

        try tmux.resize(width: 80, height: 24)
        let small = try tmux.waitFor("80x24 layout") { screen in
            screen.split(separator: "\n").first?.count ?? 0 <= 80 && screen.contains("Stats") && screen.contains("┘")
        }
        #expect(small.contains("Drifts"))
        try tmux.resize(width: 50, height: 10)
        try tmux.waitFor("too-small message") { $0.contains("Terminal too small") }
        try tmux.resize(width: 120, height: 40)
        try tmux.waitFor("layout back") { $0.contains("Events") }

        try tmux.send("q")
        try tmux.waitFor("the program to exit with status 0") { $0.contains("EXIT=0") }
        try tmux.expectTerminalRestored()
    }

    @Test func ctrlCRestoresTheTerminalToo() throws {
        let server = try DemoServerProcess(rate: 5)
        defer { server.stop() }
        let tmux = try Tmux.shellRunningDashboard(url: server.url, width: 100, height: 30)
        defer { tmux.kill() }
        try tmux.waitFor("dashboard up") { $0.contains("OPEN") }
        try tmux.send("C-c")
        try tmux.waitFor("exit after SIGINT") { $0.contains("EXIT=") }
        try tmux.expectTerminalRestored()
    }

    @Test func deadServerIsShownAsReconnecting() throws {
        let binary = try productPath()
        let tmux = try Tmux(width: 100, height: 30, command: "\(binary) --url ws://127.0.0.1:9/ws")
        defer { tmux.kill() }
        let screen = try tmux.waitFor("reconnect countdown") { $0.contains("RECONNECTING in") }
        #expect(screen.contains("attempt"))
    }
}

struct CommandLineTests {
    @Test func refusesTheDashboardWhenStdoutIsNotATerminal() throws {
        let result = try run(try productPath(), ["--demo"])
        #expect(result.status != 0)
        #expect(result.err.contains("not a terminal"))
        #expect(result.err.contains("tail"))
    }

    @Test(arguments: ["real", "documented"])
    func tailPrintsFiftyEventsFromEitherDialect(dialect: String) throws {
        let server = try DemoServerProcess(dialect: dialect, rate: 200)
        defer { server.stop() }
        let result = try run(try productPath(), ["tail", "--url", server.url, "--format", "ndjson", "--count", "50", "--duration", "60"])
        #expect(result.status == 0, "stderr: \(result.err)")
        let lines = result.out.split(separator: "\n")
        let events = lines.filter { $0.contains(#""kind":"event""#) }
        #expect(events.count == 50)
        #expect(lines.contains { $0.contains(#""kind":"connection""#) && $0.contains(#""phase":"open""#) })
        #expect(lines.contains { $0.contains(#""type":"welcome""#) && $0.contains("\"dialect\":\"\(dialect)\"") })
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
    }

    @Test func tailExplainsWhenItNeverConnected() throws {
        let result = try run(try productPath(), ["tail", "--url", "ws://127.0.0.1:9/ws", "--max-retries", "1", "--format", "text"])
        #expect(result.status == 1)
        #expect(result.err.contains("could not connect to ws://127.0.0.1:9/ws"))
        #expect(result.out.contains("stopped"))
    }

    @Test(arguments: [["--topics", "drifts,nope"], ["--url", "http://x/ws"], ["tail", "--count", "0"], ["demo-server", "--port", "70000"]])
    func badArgumentsGetAClearMessage(arguments: [String]) throws {
        let result = try run(try productPath(), arguments)
        #expect(result.status != 0)
        #expect(result.err.contains("Error:"))
    }
}

/// The issue's "done when": a server restarted every few seconds, followed by `tail` without losing its footing.
struct RestartingServerTests {
    @Test func tailFollowsEveryIncarnationWithoutDuplicatesAndMarksGaps() throws {
        // No repeated changes: each drift is unique, so "shown twice" can be told by its id.
        let server = try DemoServerProcess(rate: 40, extra: ["--restart-every", "2", "--repeat-drifts", "0"])
        defer { server.stop() }
        let result = try run(try productPath(), ["tail", "--url", server.url, "--topics", "drifts", "--duration", "10"])
        #expect(result.status == 0, "stderr: \(result.err)")
        let lines = result.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let opens = lines.enumerated().filter { $0.element["kind"] as? String == "connection" && $0.element["phase"] as? String == "open" }
        #expect(opens.count >= 3, "expected at least three incarnations, got \(opens.count)")
        // Events arrive on every connection, not only the first.
        for (i, open) in opens.enumerated().dropLast() {
            let between = lines[open.offset..<opens[i + 1].offset].filter { $0["kind"] as? String == "event" }
            #expect(!between.isEmpty, "no events on connection \(i + 1)")
        }
        let drifts = lines.filter { $0["kind"] as? String == "event" && $0["topic"] as? String == "drift" }.compactMap { $0["resource_id"] as? String }
        #expect(Set(drifts).count == drifts.count, "a drift was shown twice")
        #expect(lines.filter { $0["kind"] as? String == "gap" }.count >= 2)
        let reconnecting = lines.filter { $0["phase"] as? String == "reconnecting" }
        #expect(!reconnecting.isEmpty)
        #expect(reconnecting.allSatisfy { $0["delay"] != nil && $0["attempt"] != nil && !(($0["reason"] as? String) ?? "").isEmpty })
        #expect(reconnecting.contains { ($0["reason"] as? String)?.contains("1006") == true }, "restarts drop without a close frame")
    }
}
