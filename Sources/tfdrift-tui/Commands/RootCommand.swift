import ArgumentParser

@main
struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tfdrift-tui",
        abstract: "Terminal dashboard for TFDrift-Falco: live Terraform drift, Falco events, state changes and statistics.",
        discussion: """
            Without a subcommand, opens the dashboard. `tfdrift-tui --demo` runs it against an embedded simulator;
            `tfdrift-tui --url ws://host:8080/ws` against a real TFDrift-Falco server.
            Keys in the dashboard: 1-5 toggle topics, Tab moves focus, j/k/arrows/PgUp/PgDn scroll, ? help, q quits.
            """,
        subcommands: [DashboardCommand.self, TailCommand.self, ReplayCommand.self, ConfigCommand.self, DemoServerCommand.self],
        defaultSubcommand: DashboardCommand.self
    )
}
