import ArgumentParser
import TFDriftConfig

/// How the dashboard looks and behaves on a screen; like the connection options, each may also come from the
/// environment or the configuration file.
struct DisplayOptions: ParsableArguments {
    @Option(name: .long, help: "Theme: a name (default, dark-256, light, high-contrast, solarized-dark, monochrome, or your own) or a file path.", completion: .custom { _, _, prefix in Completions.themes().filter { $0.hasPrefix(prefix) } })
    var theme: String?

    @Option(name: .long, help: "Colour depth: 16, 256 or truecolor (default: what the terminal's terminfo says).", completion: .list(["16", "256", "truecolor"]))
    var colors: String?

    @Flag(name: .long, help: "No colour, attributes only (NO_COLOR does the same).")
    var noColor = false

    @Flag(name: .long, help: "Use the mouse: click focuses and selects, double click opens, the wheel scrolls (terminal selection then needs Shift).")
    var mouse = false

    @Option(name: .long, help: "Most frames drawn per second (default 30).")
    var fps: String?

    @Flag(name: .long, help: "War-room mode: big counters, a clock, a DATA STALE banner, no keys but ? and q (confirmed).")
    var kiosk = false

    @Option(name: .long, help: "Kiosk: the highlighted pane changes this often, e.g. 15s (0 stays).")
    var kioskCycle: String?

    @Option(name: .long, help: "Kiosk: silence before the DATA STALE banner, e.g. 90s.")
    var staleAfter: String?

    @Option(name: .long, help: "Kiosk: on a new critical drift: bell, flash or none.", completion: .list(["bell", "flash", "none"]))
    var alert: String?

    @Flag(name: .long, help: "Do not set the terminal title.")
    var noTitle = false

    func flagValues() throws -> [String: ConfigValue] {
        var given: [String: String] = [:]
        given["theme"] = theme
        given["colors"] = colors
        given["fps"] = fps
        given["kiosk-cycle"] = kioskCycle
        given["stale-after"] = staleAfter
        given["alert"] = alert
        if noColor { given["no-color"] = "true" }
        if mouse { given["mouse"] = "true" }
        if kiosk { given["kiosk"] = "true" }
        if noTitle { given["no-title"] = "true" }
        return try FlagValues.check(given)
    }
}

/// `tfdrift-tui config`: the effective configuration, where each value came from, and what was not understood.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration and where each value came from (default, file:line, environment, flag).",
        discussion: """
            Layers, each overriding the one before: built-in defaults, $XDG_CONFIG_HOME/tfdrift-tui/config.yaml
            (or --config PATH), TFDRIFT_* environment variables, flags. Keys are named after the flags.
            Credentials in headers are shown as <redacted>. Exits 1 when something was not understood.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup(title: "Display") var display: DisplayOptions

    func run() throws {
        let config = try connection.configuration(extraFlags: try display.flagValues(), reportingOnly: true)
        let servers = try LiveServer.all(connection, config)
        if let path = config.filePath { Console.print("# configuration file: \(path)") } else { Console.print("# no configuration file") }
        if servers.count == 1 {
            Console.print("# credential: \(servers[0].settings.credentials.description ?? "none")")
            Console.print("# proxy: \(servers[0].settings.proxyDescription)")
        } else {
            // Several servers: each one's address, credential (never its value) and route.
            for server in servers {
                let settings = server.settings
                Console.print("# server \(server.name): \(server.url) · credential: \(settings.credentials.description ?? "none") · proxy: \(settings.proxyDescription)")
            }
        }
        var lines = config.report()
        let warnings = LiveServer.credentialWarnings(servers).map(\.description)
        if !warnings.isEmpty {
            if config.problems.isEmpty { lines += ["", "problems:"] }
            lines += warnings.map { "  \($0)" }
        }
        for line in lines { Console.print(line) }
        if !config.problems.isEmpty || !warnings.isEmpty { throw ExitCode(1) }
    }
}
