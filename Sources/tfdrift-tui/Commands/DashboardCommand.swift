import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
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

    @Flag(name: .long, help: "Use the mouse: click focuses and selects, double click opens, the wheel scrolls (terminal selection then needs Shift).")
    var mouse = false

    @OptionGroup(title: "Simulator (with --demo)") var simulator: SimulatorArguments

    func run() throws {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw ValidationError(
                "stdout is not a terminal; the dashboard needs one. For scripts and pipes use `tfdrift-tui tail --url URL`.")
        }
        var server: DemoServer?
        var url = try connection.validatedURL(connection.url)
        if demo {
            let s = DemoServer(options: simulator.options())
            let port = try s.start()
            url = "ws://127.0.0.1:\(port)/ws"
            server = s
        }
        defer { server?.stop() }

        let inbox = Inbox()
        let client = WebSocketClient(options: try connection.clientOptions(backlog: { inbox.backlog }), deliver: { inbox.post($0) })
        defer { client.shutdown() }
        let state = try connection.initialState(url: url)
        let frontend = DashboardFrontend(mouse: mouse)
        defer { frontend.close() }
        // After initscr, so that our SIGWINCH handler (which wakes the loop from any thread) replaces ncurses'.
        SignalTrap.install(wakingFD: inbox.writeFD)
        Runtime(state: state, inbox: inbox, client: client, frontend: frontend).run()
    }
}
