import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import TFDriftConfig
import TFDriftCore
import TFDriftNetwork
import TFDriftRuntime
import TFDriftSimulator
import TFDriftTerminal
import TFDriftView

struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the live dashboard (the default)."
    )

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Start the embedded simulator on a free loopback port and connect to it.")
    var demo = false

    @OptionGroup(title: "Display") var display: DisplayOptions

    @OptionGroup(title: "Simulator (with --demo)") var simulator: SimulatorArguments

    @OptionGroup(title: "Recording") var recording: RecordOptions

    /// Redraws for arriving data take at most this share of a core (keys and resizes redraw at once).
    static let drawingShare = 0.035

    func run() throws {
        // What was asked is checked before the terminal: a bad flag is a usage error wherever it runs.
        let extraFlags = try display.flagValues()
        let config = try connection.configuration(extraFlags: extraFlags)
        var servers = try LiveServer.all(connection, config)
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw terminalFailure("stdout is not a terminal; the dashboard needs one. For scripts and pipes use `tfdrift-tui tail --url URL`.")
        }
        var server: DemoServer?
        if demo {
            let s = DemoServer(options: simulator.options())
            let port = try s.start()
            servers = [LiveServer(name: "", url: "ws://127.0.0.1:\(port)/ws", settings: servers[0].settings)]
            server = s
        }
        defer { server?.stop() }

        let inbox = Inbox()
        let run = try ConnectionSettings.live(servers, inbox: inbox, recording: recording)
        let clients = run.clients
        defer { for client in clients { client.shutdown() } }
        var state = run.state
        let environment = Environment.current()
        let catalog = ThemeCatalog(environment: environment)
        state.ui.theme = config.value("theme")?.string ?? "default"
        state.ui.themes = catalog.names()
        state.ui.themesForBackground = TerminalBackground.detect(environment: environment).map { catalog.names(madeFor: $0) }
        // No theme chosen, and the default one is not made for this terminal's background: the first that is.
        if config.sources["theme"] == .builtIn, let suited = state.ui.themesForBackground, !suited.contains("default"), let first = suited.first {
            state.ui.theme = first
        }
        if config.value("kiosk")?.bool == true {
            state.ui.kiosk = KioskState(settings: KioskSettings(
                cycle: config.value("kiosk-cycle")?.seconds ?? 15, staleAfter: config.value("stale-after")?.seconds ?? 90,
                alert: KioskSettings.Alert(rawValue: config.value("alert")?.string ?? "none") ?? .none))
        }
        let demoURL = demo ? servers[0].url : nil
        let names = servers.map(\.name)
        let reloader = DashboardFrontend.Reloader(
            // Watched even before it exists: a file created while running is read then.
            path: config.filePath ?? (connection.noConfig ? nil : Configuration.defaultFile(environment: environment)),
            read: { (try? connection.configuration(extraFlags: extraFlags, reportingOnly: true)) ?? config },
            settings: { config in
                // The servers stay the ones started with (matched by name); each takes its new settings.
                let next = try LiveServer.all(connection, config)
                var actions: [Action] = []
                for (index, client) in clients.enumerated() {
                    guard let server = next.first(where: { $0.name == names[index] }) ?? (next.count == 1 ? next.first : nil) else { continue }
                    // Headers, the token, TLS files and proxies: from the next attempt on, like the rest.
                    client.reconfigure(headers: server.settings.headers, tls: server.settings.tls, proxy: server.settings.proxy)
                    let settings = Action.settingsReloaded(server.settings.settings(url: demoURL ?? server.url))
                    actions.append(clients.count > 1 ? .server(index, settings) : settings)
                }
                return actions
            })
        let frontend: DashboardFrontend
        do {
            frontend = try DashboardFrontend(display: DisplaySettings(config: config, environment: environment), catalog: catalog, reloader: reloader)
        } catch let error as TerminalError {
            throw terminalFailure(error.description)
        }
        defer { frontend.close() }
        // After initscr, so that our SIGWINCH handler (which wakes the loop from any thread) replaces ncurses'.
        SignalTrap.install(wakingFD: inbox.writeFD)
        let fps = Double(config.value("fps")?.int ?? 30)
        Runtime(
            state: state, inbox: inbox, clients: clients, frontend: frontend, maximumFramesPerSecond: fps,
            drawingShare: DashboardCommand.drawingShare, logger: run.logger, recorder: run.recorder
        ).run()
    }
}
