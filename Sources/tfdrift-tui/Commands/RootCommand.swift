import ArgumentParser
import TFDriftRuntime

@main
struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tfdrift-tui",
        abstract: "Terminal dashboard for TFDrift-Falco: live Terraform drift, Falco events, state changes and statistics.",
        discussion: """
            Without a subcommand, opens the dashboard. `tfdrift-tui --demo` runs it against an embedded simulator;
            `tfdrift-tui --url ws://host:8080/ws` against a real TFDrift-Falco server.
            Keys in the dashboard: 1-5 toggle topics, Tab moves focus, j/k/arrows/PgUp/PgDn scroll, ? help, q quits.
            `tfdrift-tui doctor` checks everything between this machine and a working dashboard.

            Exit status: 0 success; 1 a runtime failure (no server reachable, a damaged recording, an unreadable
            file; doctor: a check failed); 2 the terminal cannot host the dashboard; 3 tail: every server refused
            this client's configuration; 64 a usage error (unknown flags, bad values).
            """,
        version: BuildInfo.line,
        subcommands: [
            DashboardCommand.self, TailCommand.self, ReplayCommand.self, ConfigCommand.self, DoctorCommand.self, DemoServerCommand.self,
            VersionCommand.self, ManualCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )
}

/// `tfdrift-tui version`: the same line as `--version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version, the commit it was built from, the build date and the Swift version.")

    func run() {
        print(BuildInfo.line)
    }
}
