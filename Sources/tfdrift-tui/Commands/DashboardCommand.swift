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

    func run() throws {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw ValidationError(
                "stdout is not a terminal; the dashboard needs one. For scripts and pipes use `tfdrift-tui tail --url URL`.")
        }
        let extraFlags = try display.flagValues()
        let config = try connection.configuration(extraFlags: extraFlags)
        let settings = try ConnectionSettings(config: config)
        var server: DemoServer?
        var url = settings.url
        if demo {
            let s = DemoServer(options: simulator.options())
            let port = try s.start()
            url = "ws://127.0.0.1:\(port)/ws"
            server = s
        }
        defer { server?.stop() }

        let inbox = Inbox()
        let (initial, client, logger, recorder) = try settings.live(url: url, inbox: inbox, recording: recording)
        defer { client.shutdown() }
        var state = initial
        let environment = Environment.current()
        let catalog = ThemeCatalog(environment: environment)
        state.ui.theme = config.value("theme")?.string ?? "default"
        state.ui.themes = catalog.names()
        if config.value("kiosk")?.bool == true {
            state.ui.kiosk = KioskState(settings: KioskSettings(
                cycle: config.value("kiosk-cycle")?.seconds ?? 15, staleAfter: config.value("stale-after")?.seconds ?? 90,
                alert: KioskSettings.Alert(rawValue: config.value("alert")?.string ?? "none") ?? .none))
        }
        let demoURL = demo ? url : nil
        let reloader = DashboardFrontend.Reloader(
            // Watched even before it exists: a file created while running is read then.
            path: config.filePath ?? (connection.noConfig ? nil : Configuration.defaultFile(environment: environment)),
            read: { (try? connection.configuration(extraFlags: extraFlags)) ?? config },
            settings: { config in
                let next = try ConnectionSettings(config: config)
                // Headers, the token, TLS files and proxies: from the next attempt on, like the rest.
                client.reconfigure(headers: next.headers, tls: next.tls, proxy: next.proxy)
                return next.settings(url: demoURL ?? next.url)
            })
        let frontend: DashboardFrontend
        do {
            frontend = try DashboardFrontend(display: DisplaySettings(config: config, environment: environment), catalog: catalog, reloader: reloader)
        } catch let error as TerminalError {
            Console.print("tfdrift-tui: \(error.description)", to: STDERR_FILENO)
            throw ExitCode(2)
        }
        defer { frontend.close() }
        // After initscr, so that our SIGWINCH handler (which wakes the loop from any thread) replaces ncurses'.
        SignalTrap.install(wakingFD: inbox.writeFD)
        let fps = Double(config.value("fps")?.int ?? 30)
        Runtime(
            state: state, inbox: inbox, client: client, frontend: frontend, maximumFramesPerSecond: fps, logger: logger, recorder: recorder
        ).run()
    }
}
