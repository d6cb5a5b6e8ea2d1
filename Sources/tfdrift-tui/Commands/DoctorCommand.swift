import ArgumentParser
import TFDriftConfig
import TFDriftCore
import TFDriftNetwork
import TFDriftRuntime
import TFDriftTerminal
import TFDriftView

/// `tfdrift-tui doctor`: everything between this machine and the dashboard working, one line per check with the
/// fix — the first thing to run when "it doesn't connect".
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the terminal, the configuration, the themes and every configured server; exit 1 when something is wrong.",
        discussion: """
            Each server is checked the way the dashboard connects to it (its proxy, TLS settings and credential): the
            name resolves, TCP connects, the TLS certificate (subject, issuer, expiry, trust), the WebSocket upgrade,
            /health and its readiness checks, the REST API, and that a credential is present (never its value).
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup(title: "Display") var display: DisplayOptions

    func run() throws {
        let environment = Environment.current()
        Console.print(BuildInfo.line)
        var bad = 0
        func section(_ title: String, _ checks: [DoctorCheck]) {
            Console.print(title)
            for check in checks { Console.print(check.line) }
            bad += checks.filter { $0.verdict == .bad }.count
        }
        let minimum = Layout.minimumSize
        section("Terminal", TerminalProbe.checks(environment: environment, minimum: (minimum.width, minimum.height)))

        let config = try connection.configuration(extraFlags: try display.flagValues(), reportingOnly: true)
        var configuration: [DoctorCheck] = [
            config.filePath.map { .good("configuration file \($0) read") } ?? .note("no configuration file: defaults, TFDRIFT_* and flags only")
        ]
        configuration += config.problems.map { .bad($0.description, fix: "correct the file (tfdrift-tui config shows every value and its source)") }
        let catalog = ThemeCatalog(environment: environment)
        let themeProblems = catalog.names().flatMap { catalog.load($0).problems }
        configuration.append(themeProblems.isEmpty ? .good("themes load: \(catalog.names().joined(separator: ", "))") : .note("themes with problems below"))
        configuration += themeProblems.map { .bad($0.description, fix: "correct the theme file, or remove it") }
        section("Configuration", configuration)

        let servers = try LiveServer.all(connection, config)
        for server in servers {
            let settings = server.settings
            var options = settings.clientOptions(backlog: { 0 })
            options.connectTimeout = 5
            options.handshakeTimeout = 5
            let probe = ServerProbe(options: options, credential: settings.credentials.description)
            section("Server \(servers.count > 1 ? server.name + " " : "")\(server.url)", probe.checks(url: server.url))
        }
        Console.print(bad == 0 ? "all checks passed" : "\(bad) check\(bad == 1 ? "" : "s") failed")
        if bad > 0 { throw ExitCode(1) }
    }
}
