import Foundation
import Testing

/// Themes, the configuration file and the war-room mode, in a real terminal.
@Suite(.serialized)
struct WarRoomInTmuxTests {
    /// `--kiosk` shows the big counters; when the server goes away the DATA STALE banner appears, and when it is
    /// back the banner goes; `q` alone does not quit.
    @Test func kioskShoutsWhenDataStopsAndCalmsDownWhenItComesBack() throws {
        var server = try DemoServerProcess(rate: 20)
        let port = server.port
        defer { server.stop() }
        let tmux = try Tmux(width: 120, height: 40, command: "bash --norc --noprofile")
        defer { tmux.kill() }
        try tmux.type("stty -g > \(tmux.modesFile("before")); clear")
        try tmux.type("\(try productPath()) --no-config --url \(server.url) --kiosk --stale-after 5s --backoff-max 1; echo EXIT=$?")
        let live = try tmux.waitFor("the war-room screen with its counters") { $0.contains("WAR ROOM") && $0.contains("LIVE") && $0.contains("███") }
        #expect(live.contains("CRITICAL") && live.contains("Newest critical drifts"))

        server.stop()
        try tmux.waitFor("the stale banner", timeout: 10) { $0.contains("DATA STALE · last message") }

        server = try DemoServerProcess(rate: 20, port: port)
        try tmux.waitFor("the banner gone once data flows again", timeout: 15) { !$0.contains("DATA STALE") && $0.contains("LIVE") }

        try tmux.send("q")
        try tmux.waitFor("a confirmation question") { $0.contains("Quit the war-room screen? y quits") }
        try tmux.send("x")
        try tmux.waitFor("still running") { $0.contains("kiosk · q then y quits") }
        try tmux.send("2")
        try tmux.send("q")
        try tmux.send("y")
        try tmux.waitFor("the program to exit with status 0") { $0.contains("EXIT=0") }
        try tmux.expectTerminalRestored()
    }

    /// A server that is up but blind (`/health` degraded: Falco disconnected) gets its own banner while the link
    /// stays open, and the banner goes when Falco is back; `tail` prints a `health` line on each change.
    @Test func kioskSaysWhenTheServerIsBlindWhileTheLinkStaysOpen() throws {
        let server = try DemoServerProcess(rate: 20, extra: ["--falco-flap-every", "6"])
        defer { server.stop() }
        let tmux = try Tmux(width: 120, height: 40, command: "bash --norc --noprofile")
        defer { tmux.kill() }
        try tmux.type("\(try productPath()) --no-config --url \(server.url) --kiosk --stale-after 5s; echo EXIT=$?")
        _ = try tmux.waitFor("the war-room screen, live") { $0.contains("WAR ROOM") && $0.contains("LIVE") }
        let blind = try tmux.waitFor("the blind banner", timeout: 30) { $0.contains("SERVER BLIND: falco disconnected since") }
        #expect(blind.contains("(runtime events cannot arrive)") && blind.contains("● OPEN"), "the link stays open: \(blind)")
        #expect(!blind.contains("DATA STALE"))
        try tmux.waitFor("the banner gone once Falco is back", timeout: 30) { !$0.contains("SERVER BLIND") && $0.contains("LIVE") }
        try tmux.send("q")
        try tmux.send("y")
        try tmux.waitFor("the program to exit with status 0") { $0.contains("EXIT=0") }

        let tail = try run(try productPath(), [
            "tail", "--no-config", "--url", server.url, "--topics", "drifts", "--duration", "14", "--health-interval", "2",
        ])
        #expect(tail.status == 0, "\(tail.err)")
        let health = tail.out.split(separator: "\n").filter { $0.hasPrefix(#"{"kind":"health""#) }
        #expect(health.contains { $0.contains(#""status":"degraded","checks":{"falco":"disconnected"}"#) }, "\(health)")
        #expect(health.contains { $0.contains(#""status":"ok","checks":{"falco":"connected"}"#) }, "\(health)")
    }

    /// The configuration file is read at start and watched: a new theme there applies at once; a broken edit
    /// is reported and the running configuration stays.
    @Test func anEditedConfigurationAppliesAndABrokenEditChangesNothing() throws {
        let server = try DemoServerProcess(rate: 5)
        defer { server.stop() }
        let folder = scratchFile("d")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = folder + "/config.yaml"
        try "url: \(server.url)\ntheme: monochrome\n".write(toFile: config, atomically: true, encoding: .utf8)
        let tmux = try Tmux(width: 100, height: 30, command: "env -u NO_COLOR TERM=xterm-256color \(try productPath()) --config \(config)")
        defer { tmux.kill() }
        try tmux.waitFor("the dashboard from the file's address") { $0.contains("OPEN") && $0.contains(server.url) }
        func styled() throws -> String { try run(tmux.tmux, ["-L", tmux.socket, "capture-pane", "-p", "-e", "-t", "e2e"]).out }
        // Monochrome: no colour escapes at all, only attributes.
        let colour = #"\[(3|4)[0-7]m|[34]8;5;"#
        #expect((try styled()).range(of: colour, options: .regularExpression) == nil, "monochrome draws no colour")

        try "url: \(server.url)\ntheme: default\n".write(toFile: config, atomically: true, encoding: .utf8)
        do {
            try tmux.waitFor("the default theme's cyan header", timeout: 10) { _ in ((try? styled()) ?? "").contains("46m") }
        } catch {
            Issue.record("styled screen: \((try? styled())?.prefix(300) ?? "none")")
            throw error
        }

        try "url: [broken\ntheme: light\n".write(toFile: config, atomically: true, encoding: .utf8)
        let screen = try tmux.waitFor("the broken edit reported", timeout: 10) { $0.contains("err 1: config.yaml:") && $0.contains("not valid YAML") }
        #expect(screen.contains("OPEN"), "still connected")
        #expect((try styled()).contains("46m"), "still the default theme")
    }

    /// `NO_COLOR` (any non-empty value) wins over any theme: attributes only, and the severities still differ.
    @Test func noColorMeansAttributesOnly() throws {
        let server = try DemoServerProcess(rate: 20)
        defer { server.stop() }
        let tmux = try Tmux(width: 100, height: 30, command: "NO_COLOR=1 TERM=xterm-256color \(try productPath()) --no-config --url \(server.url) --theme solarized-dark")
        defer { tmux.kill() }
        try tmux.waitFor("critical drifts on screen") { $0.contains("OPEN") && $0.contains(" CRIT ") }
        let styled = try run(tmux.tmux, ["-L", tmux.socket, "capture-pane", "-p", "-e", "-t", "e2e"]).out
        #expect(styled.range(of: #"\[(3|4)[0-7]m|[34]8;5;|[34]8;2;"#, options: .regularExpression) == nil, "no colour escapes")
        #expect(styled.contains("[1;4m") || styled.contains("[4;1m") || styled.contains("[4m"), "critical is underlined")
    }

    /// A theme file in use is watched too: an edit shows at once, a broken edit is reported with its line.
    @Test func anEditedThemeFileAppliesAtOnce() throws {
        let server = try DemoServerProcess(rate: 5)
        defer { server.stop() }
        let folder = scratchFile("d")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let theme = folder + "/mine.yaml"
        try "name: mine\nroles:\n  header-bar: { fg: black, bg: green }\n".write(toFile: theme, atomically: true, encoding: .utf8)
        let tmux = try Tmux(width: 100, height: 30, command: "env -u NO_COLOR TERM=xterm-256color \(try productPath()) --no-config --url \(server.url) --theme \(theme)")
        defer { tmux.kill() }
        func styled() -> String { (try? run(tmux.tmux, ["-L", tmux.socket, "capture-pane", "-p", "-e", "-t", "e2e"]).out) ?? "" }
        try tmux.waitFor("the header in the file's green") { $0.contains("OPEN") && styled().contains("42m") }
        try "name: mine\nroles:\n  header-bar: { fg: black, bg: magenta }\n".write(toFile: theme, atomically: true, encoding: .utf8)
        try tmux.waitFor("the header in magenta after the edit", timeout: 10) { _ in styled().contains("45m") }
        try "name: mine\nroles:\n  header-bar: { fg: black, bg: nope }\n".write(toFile: theme, atomically: true, encoding: .utf8)
        try tmux.waitFor("the broken role reported with file and line", timeout: 10) { $0.contains("err 1: mine.yaml:3: header-bar: bg: bad col") }
    }

    /// `t` offers only the themes made for the terminal's background, when the terminal says which it has
    /// (`COLORFGBG` here; tmux answers no OSC 11 for a detached session, but answers DA1, which ends the question),
    /// and a light terminal starts in the light theme when none was chosen.
    @Test func themeCyclingFollowsTheBackground() throws {
        let server = try DemoServerProcess(rate: 1)
        defer { server.stop() }
        let dark = try Tmux(width: 100, height: 30, command: "COLORFGBG='15;0' \(try productPath()) --no-config --url \(server.url)")
        defer { dark.kill() }
        try dark.waitFor("the dashboard") { $0.contains("OPEN") }
        // Shipped order: default, dark-256, high-contrast, light, monochrome, solarized-dark; light is left out.
        for expected in ["dark-256", "high-contrast", "monochrome"] {
            try dark.send("t")
            try dark.waitFor("theme \(expected)") { $0.contains("theme \(expected)") }
        }
        let light = try Tmux(width: 100, height: 30, command: "env -u NO_COLOR TERM=xterm-256color COLORFGBG='0;15' \(try productPath()) --no-config --url \(server.url)")
        defer { light.kill() }
        func styled() -> String { (try? run(light.tmux, ["-L", light.socket, "capture-pane", "-p", "-e", "-t", "e2e"]).out) ?? "" }
        try light.waitFor("the light theme's own white background") { $0.contains("OPEN") && styled().contains("107m") }
        try light.send("t")
        try light.waitFor("t keeps to the light theme") { $0.contains("theme light") }
    }
}
