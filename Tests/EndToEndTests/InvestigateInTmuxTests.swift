import Foundation
import Testing

/// The investigation loop a new user goes through, in a real terminal: recent drifts the moment the dashboard
/// opens, narrowed to critical ones, one read in full, copied (into tmux's paste buffer, with tmux's defaults),
/// exported, and quit to a usable shell.
@Suite(.serialized)
struct InvestigateInTmuxTests {
    @Test func historyFilterDetailCopyExportQuit() throws {
        let server = try DemoServerProcess(rate: 1, extra: ["--preload", "400"])
        defer { server.stop() }
        let tmux = try Tmux(width: 120, height: 40, command: "bash --norc --noprofile")
        defer { tmux.kill() }
        // tmux's default set-clipboard (external) ignores OSC 52 from programs: the copy goes through load-buffer.
        try tmux.type("stty -g > \(tmux.modesFile("before")); clear")
        try tmux.type("\(try productPath()) --url \(server.url) --history-on-start 200; echo EXIT=$?")

        // The whole screen: a frame drawn while data keeps coming may reach the terminal in pieces, top first.
        let opened = try tmux.waitFor("history in the Drifts pane, the link open") { screen in
            (paneCount("Drifts", in: screen) ?? 0) >= 100 && screen.contains("history") && screen.contains("OPEN")
        }
        #expect(opened.contains("history"))

        try tmux.send("/")
        try tmux.type("sev:crit")
        let filtered = try tmux.waitFor("the pane narrowed to critical drifts") { $0.contains("/sev:crit") }
        // Every row of the Drifts pane (from its title to its bottom border) is critical.
        let screenLines = filtered.split(separator: "\n", omittingEmptySubsequences: false)
        let top = try #require(screenLines.firstIndex { $0.contains("┌ Drifts") })
        let rows = screenLines[(top + 2)...].prefix { !$0.hasPrefix("└") }.filter { $0.range(of: #"^│ \d\d:\d\d:\d\d|^│ history"#, options: .regularExpression) != nil }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains(" CRIT ") }, "\(filtered)")

        try tmux.send("Enter")
        try tmux.waitFor("the detail view") { $0.contains("Detail") && $0.contains("OLD") && $0.contains("NEW") }

        try tmux.send("y")
        try tmux.waitFor("the copy confirmed") { $0.contains("bytes of JSON to tmux's paste buffer") }
        let buffer = try run(tmux.tmux, ["-L", tmux.socket, "show-buffer"])
        #expect(buffer.status == 0, "tmux has a buffer: \(buffer.err)")
        #expect(buffer.out.hasPrefix("{\"topic\":\"drift\",\"severity\":\"critical\""), "buffer: \(buffer.out.prefix(200))")

        try tmux.send("Escape")
        try tmux.waitFor("back to the panes") { !$0.contains("OLD") && $0.contains("/sev:crit") }
        let export = scratchFile("ndjson")
        defer { unlink(export) }
        try tmux.send(":")
        try tmux.type("export \(export)")
        try tmux.waitFor("the export confirmed") { $0.contains("exported") && $0.contains(export.suffix(20)) }
        let lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("\"severity\":\"critical\"") }, "\(lines.prefix(3))")

        try tmux.send("q")
        try tmux.waitFor("the program to exit with status 0") { $0.contains("EXIT=0") }
        try tmux.expectTerminalRestored()
    }

    /// With `--mouse`, the terminal's mouse reports select and open, at any column: inside tmux (whose terminfo
    /// entry expects X10, which stops at column 223) the dashboard asks for SGR reports and reads them itself.
    /// Sent here as the SGR sequences tmux writes for a double click at column 251 of a 400-column wall screen (the Drifts pane spans its first 280).
    @Test func mouseDoubleClickOpensTheRowUnderThePointer() throws {
        let server = try DemoServerProcess(rate: 1, extra: ["--preload", "60"])
        defer { server.stop() }
        let tmux = try Tmux.shellRunningDashboard(url: server.url, width: 400, height: 40, flags: "--history-on-start 50 --mouse")
        defer { tmux.kill() }
        // The third row of the Drifts pane: its resource is what the detail must show.
        let row = 5
        func resourceOfRow(in screen: String) -> Substring? {
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.indices.contains(row) else { return nil }
            return lines[row].split(separator: " ").first { $0.contains("aws_") || $0.contains("google_") || $0.contains("azurerm_") }
        }
        // Waited for whole: a capture can catch the terminal after the pane's title and before its rows.
        let screen = try tmux.waitFor("drifts on screen, the clicked row drawn") { (paneCount("Drifts", in: $0) ?? 0) >= 20 && resourceOfRow(in: $0) != nil }
        let resource = try #require(resourceOfRow(in: screen))
        #expect(try tmux.paneFormat("#{mouse_standard_flag}#{mouse_sgr_flag}") == "11", "button reports in SGR mode")
        let press = "\u{1B}[<0;251;\(row + 1)M", release = "\u{1B}[<0;251;\(row + 1)m"
        try tmux.check(["send-keys", "-t", "e2e", "-l", press + release + press + release])
        let detail = try tmux.waitFor("the detail of the clicked row") { $0.contains("Detail") && $0.contains("OLD") }
        #expect(detail.contains(String(resource.prefix(20))), "clicked \(resource)")
        try tmux.send("q")
        try tmux.send("q")
        try tmux.waitFor("the program to exit with status 0") { $0.contains("EXIT=0") }
        #expect(try tmux.paneFormat("#{mouse_standard_flag}#{mouse_sgr_flag}") == "00", "mouse reports switched off again")
        try tmux.expectTerminalRestored()
    }

    /// `b` in a drift's detail lists what depends on the resource from the simulator's graph; Enter on one of them
    /// shows the panes filtered to it.
    @Test func blastRadiusListsDependentsAndEnterShowsOne() throws {
        let server = try DemoServerProcess(rate: 0, extra: ["--preload", "300"])
        defer { server.stop() }
        let tmux = try Tmux(width: 120, height: 40, command: "\(try productPath()) --url \(server.url) --history-on-start 300 --filter type:aws_instance")
        defer { tmux.kill() }
        try tmux.waitFor("instance drifts") { (paneCount("Drifts", in: $0) ?? 0) >= 3 }
        try tmux.send("Enter")
        try tmux.waitFor("the detail view") { $0.contains("Detail") && $0.contains("blast radius") }
        try tmux.send("b")
        let blast = try tmux.waitFor("the blast radius") { $0.range(of: #"\d+ depends? on it"#, options: .regularExpression) != nil && $0.contains("aws_route53_record") }
        #expect(blast.contains("What depends on aws_instance.web"))
        #expect(blast.contains("depends on it aws_lb_target_group"), "\(blast)")
        try tmux.send("Enter")
        let shown = try tmux.waitFor("the panes filtered to the target group") { $0.contains("/res:") }
        #expect(shown.contains("Drifts 0/"), "the target group has no drifts of its own: \(shown)")
        try tmux.send("q")
    }

    /// `--filter` is one grammar and one code path: `tail --filter` prints exactly the drifts the dashboard's pane
    /// shows (and exports) with the same filter, over the same history.
    @Test func tailAndTheDashboardAgreeOnAFilter() throws {
        let server = try DemoServerProcess(rate: 0, extra: ["--preload", "300"])
        defer { server.stop() }
        let filter = "sev:high+ type:aws_* -attr:tags*"
        let tail = try run(try productPath(), [
            "tail", "--url", server.url, "--topics", "drifts", "--history-on-start", "300", "--filter", filter, "--duration", "3",
        ])
        #expect(tail.status == 0, "\(tail.err)")
        func key(_ line: Substring) -> String? {
            guard line.contains("\"topic\":\"drift\""), let data = line.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["kind"] as? String ?? "event" == "event"
            else { return nil }
            return ["resource_id", "attribute", "old_value", "new_value"].map { "\(object[$0] ?? "")" }.joined(separator: "|")
        }
        let fromTail = Set(tail.out.split(separator: "\n").compactMap(key))
        #expect(fromTail.count >= 10, "tail printed \(fromTail.count) drifts")

        let export = scratchFile("ndjson")
        defer { unlink(export) }
        let tmux = try Tmux(width: 120, height: 40, command: "\(try productPath()) --url \(server.url) --topics drifts --history-on-start 300 --filter '\(filter)'")
        defer { tmux.kill() }
        try tmux.waitFor("the filtered history") { $0.contains("history") && $0.contains("/\(filter)") }
        try tmux.send(":")
        try tmux.type("export \(export)")
        try tmux.waitFor("the export confirmed") { $0.contains("exported") }
        let fromDashboard = Set(try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").compactMap(key))
        #expect(fromDashboard == fromTail, "only in tail: \(fromTail.subtracting(fromDashboard).prefix(3)); only in the dashboard: \(fromDashboard.subtracting(fromTail).prefix(3))")
    }
}
