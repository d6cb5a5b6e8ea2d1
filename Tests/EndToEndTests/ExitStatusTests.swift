import Foundation
import Testing
import TFDriftSimulator

/// The program as a command: its version, `doctor` in a real terminal, and one table of exit statuses for every
/// command (0 success, 1 a runtime failure in one sentence, 2 no terminal for the dashboard, 64 a usage error with
/// the usage text).
struct ExitStatusAndVersionTests {
    @Test func versionNamesTheCommitOfTheCheckout() throws {
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
        let head = try run("/usr/bin/git", ["-C", checkout, "rev-parse", "--short=12", "HEAD"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(head.count == 12)
        let version = try run(try productPath(), ["--version"])
        #expect(version.status == 0)
        #expect(version.out.range(of: #"^tfdrift-tui \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(\+dirty)?, built \d{4}-\d\d-\d\d, Swift \d"#, options: .regularExpression) != nil, "\(version.out)")
        #expect(version.out.contains("commit \(head)"), "\(version.out) is not HEAD \(head)")
        #expect(try run(try productPath(), ["version"]).out == version.out)
    }

    @Test func exitStatusesFollowOneTable() throws {
        let binary = try productPath()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tfdrift-exit-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try "not a recording\n".write(toFile: scratch + "/garbage.ndjson", atomically: true, encoding: .utf8)
        let cases: [(arguments: [String], status: Int32, says: String)] = [
            (["tail", "--replay", scratch + "/missing.ndjson"], 1, "No such file"),
            (["tail", "--replay", scratch + "/garbage.ndjson"], 1, "garbage.ndjson"),
            (["tail", "--config", scratch + "/missing.yaml", "--url", "ws://127.0.0.1:1/ws", "--max-retries", "1"], 1, "--config"),
            (["replay", scratch + "/missing.ndjson"], 2, "not a terminal"),
            (["--url", "ws://127.0.0.1:1/ws"], 2, "not a terminal"),
            (["--no-such-flag"], 64, "Unknown option"),
            (["tail", "--count", "0"], 64, "--count"),
        ]
        for entry in cases {
            let result = try run(binary, entry.arguments)
            #expect(result.status == entry.status, "\(entry.arguments): \(result.status) \(result.err)")
            #expect(result.err.contains(entry.says), "\(entry.arguments): \(result.err)")
            #expect(result.err.contains("Usage:") == (entry.status == 64), "usage text only for a usage error: \(entry.arguments) \(result.err)")
        }
    }

    /// A configuration file that cannot be read stops the program at start with file:line (it used to run on
    /// the default address); a typo'd key gets the key it probably meant; a web address gets the WebSocket one.
    @Test func configurationAndAddressMistakesSayWhatToDo() throws {
        let binary = try productPath()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tfdrift-config-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try "url: ws://127.0.0.1:1/ws\ntheme: [dark-256\n".write(toFile: scratch + "/broken.yaml", atomically: true, encoding: .utf8)
        try "url: ws://127.0.0.1:1/ws\nthem: dark-256\n".write(toFile: scratch + "/typo.yaml", atomically: true, encoding: .utf8)
        let broken = try run(binary, ["tail", "--config", scratch + "/broken.yaml", "--max-retries", "1"])
        #expect(broken.status == 1 && broken.err.contains("broken.yaml:") && broken.err.contains("--no-config"), "\(broken.status) \(broken.err)")
        #expect(!broken.out.contains("localhost:8080") && !broken.err.contains("localhost:8080"), "it does not go on with the default address")
        let typo = try run(binary, ["config", "--config", scratch + "/typo.yaml"])
        #expect(typo.out.contains("them: unknown setting; did you mean theme?"), "\(typo.out)")
        let web = try run(binary, ["tail", "--url", "http://tfdrift:8080"])
        #expect(web.status == 64 && web.err.contains("try ws://tfdrift:8080/ws"), "\(web.err)")
        let bare = try run(binary, ["tail", "--url", "localhost:8080"])
        #expect(bare.err.contains("try ws://localhost:8080/ws"), "\(bare.err)")
    }

    /// In a real terminal against a healthy simulator every check of `doctor` passes and it exits 0.
    @Test func doctorInATerminalPassesEveryCheckAgainstAHealthySimulator() throws {
        let server = try DemoServerProcess(rate: 1)
        defer { server.stop() }
        let tmux = try Tmux(width: 120, height: 40, command: "bash --norc --noprofile")
        defer { tmux.kill() }
        // tmux's default (external) keeps OSC 52 from applications: doctor says so, and this test's tmux allows it.
        try tmux.check(["set-option", "-g", "set-clipboard", "on"])
        try tmux.type("TERM=xterm-256color \(try productPath()) doctor --no-config --url \(server.url); echo EXIT=$?")
        let screen = try tmux.waitFor("doctor's verdict") { $0.range(of: "EXIT=[0-9]", options: .regularExpression) != nil }
        #expect(screen.contains("all checks passed") && screen.contains("EXIT=0"), "\(screen)")
        #expect(!screen.contains("✗") && screen.contains("✓ terminal size 120x") && screen.contains("✓ tmux set-clipboard on"), "\(screen)")
    }
}

/// `tail` leaves while REST calls are still on their way (here: answers whose bodies never end). Their channels
/// are closed and their handlers run before the event loop goes, so nothing schedules work on a loop that is gone
/// (NIO's "Cannot schedule tasks on an EventLoop that has already shut down", a future trap).
struct ShutdownOrderTests {
    @Test func tailLeavesWithRESTCallsInFlightWithoutAWordOnStderr() throws {
        var options = SimulatorOptions()
        options.rate = 200
        let server = DemoServer(options: options)
        let port = try server.start()
        defer { server.stop() }
        var faults = SimulatorFaults()
        faults.stallRESTBody = true
        server.setFaults(faults)
        for round in 0..<8 {
            let result = try run(try productPath(), [
                "tail", "--no-config", "--url", "ws://127.0.0.1:\(port)/ws", "--count", "2", "--duration", "20",
            ])
            #expect(result.status == 0, "round \(round): \(result.err)")
            #expect(!result.err.contains("EventLoop"), "round \(round): \(result.err)")
        }
    }
}
