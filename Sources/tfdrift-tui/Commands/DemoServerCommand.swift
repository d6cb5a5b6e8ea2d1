import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import TFDriftSimulator

struct DemoServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-server",
        abstract: "Run the embedded TFDrift-like server (WebSocket /ws plus /health, /api/v1/stats, /api/v1/drifts)."
    )

    @Option(name: .long, help: "Address to bind; loopback unless you mean otherwise.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port: Int = 8080

    @OptionGroup var simulator: SimulatorArguments

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() throws {
        let server = DemoServer(options: SimulatorOptions(host: host, port: port, dialect: simulator.dialect.dialect, rate: simulator.rate))
        let bound: Int
        do {
            bound = try server.start()
        } catch {
            throw ValidationError("cannot listen on \(host):\(port): \(error)")
        }
        Console.print("demo-server: \(simulator.dialect.rawValue) dialect, \(simulator.rate) events/s on ws://\(host):\(bound)/ws (Ctrl-C stops)")
        // Sleep until SIGINT/SIGTERM; the server runs on its own event loop.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_BLOCK, &set, nil)
        var caught: Int32 = 0
        sigwait(&set, &caught)
        server.stop()
    }
}
