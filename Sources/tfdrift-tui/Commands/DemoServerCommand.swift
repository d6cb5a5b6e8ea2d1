import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import TFDriftConfig
import TFDriftSimulator
import TFDriftWire

struct DemoServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-server",
        abstract: "Run the embedded TFDrift-like server (WebSocket /ws plus /health, /api/v1/stats, /api/v1/drifts).",
        discussion: """
            Fault flags make it misbehave the way real deployments do, to watch the client recover:
            --restart-every drops every client without a close frame and starts a fresh server (empty drift
            list) on the same port; --refuse-upgrade 500 is what TFDrift-Falco 0.14 does behind its router.
            """
    )

    @Option(name: .long, help: "Address to bind; loopback unless you mean otherwise.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port: Int = 8080

    @OptionGroup var simulator: SimulatorArguments

    @Option(name: .long, help: "Restart the server every this many seconds (clients see an abrupt 1006 close).")
    var restartEvery: Double?

    @Flag(name: .long, help: "Start with Falco disconnected: /health answers degraded (the server is up but blind).")
    var falcoDisconnected = false

    @Option(name: .long, help: "Falco disconnects and reconnects every this many seconds (/health flips between degraded and ok).")
    var falcoFlapEvery: Double?

    @Option(name: .long, help: "With --restart-every: close clients with this WebSocket close code (e.g. 1001, 1012) instead of dropping them.")
    var closeCode: UInt16?

    @Option(name: .long, help: "Answer every WebSocket upgrade with this HTTP status (e.g. 500, 429, 401).")
    var refuseUpgrade: Int?

    @Option(name: .long, help: "Retry-After value sent with a refused upgrade (seconds or Go duration, e.g. 9.9ms).")
    var retryAfter: String?

    @Flag(name: .long, help: "Accept connections but never answer the WebSocket upgrade.")
    var stallHandshake = false

    @Flag(name: .long, help: "Keep sockets open but send nothing at all, not even pings.")
    var silent = false

    @Option(name: .long, help: "Hostile mode: play this many seeded attack rounds against the first client, each followed by a sentinel drift (real dialect).")
    var hostile: Int?

    @Option(name: .long, help: "With --hostile: multiply the size of the flood rounds.")
    var hostileScale: Int = 1

    @Option(name: .long, help: "Seed for generated events and hostile rounds.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Generate this many events before the first client connects (a server with history).")
    var preload: Int = 0

    @Option(name: .long, help: "Serve TLS (wss://, https://) with this PEM certificate chain (with --tls-key).")
    var tlsCert: String?

    @Option(name: .long, help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(name: .long, help: "Require the token in this file (Bearer or X-API-Key) on the upgrade and every /api/ call; 401 otherwise.")
    var requireTokenFile: String?

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        if let restartEvery, !(restartEvery > 0) { throw ValidationError("--restart-every must be positive") }
        if let falcoFlapEvery, !(falcoFlapEvery > 0) { throw ValidationError("--falco-flap-every must be positive") }
        if let closeCode, !(1000...4999).contains(closeCode) { throw ValidationError("--close-code must be from 1000 to 4999") }
        if closeCode != nil && restartEvery == nil { throw ValidationError("--close-code needs --restart-every") }
        if !(0...1_000_000).contains(preload) { throw ValidationError("--preload must be from 0 to 1000000") }
        if let hostile, hostile < 1 { throw ValidationError("--hostile must be at least 1 round") }
        if !(1...100).contains(hostileScale) { throw ValidationError("--hostile-scale must be from 1 to 100") }
        if hostile != nil && simulator.dialect != .real { throw ValidationError("--hostile speaks the real dialect only") }
        if let refuseUpgrade, !(100...599).contains(refuseUpgrade) || refuseUpgrade == 101 {
            throw ValidationError("--refuse-upgrade must be an HTTP status from 100 to 599 other than 101")
        }
    }

    func run() throws {
        var options = simulator.options(host: host, port: port)
        options.seed = seed
        options.hostileRounds = hostile
        options.hostileScale = hostileScale
        options.falcoFlapEvery = falcoFlapEvery
        options.tlsCertificate = tlsCert
        options.tlsKey = tlsKey
        if let requireTokenFile {
            guard case .success(let text) = TextFile.contents(of: requireTokenFile) else {
                throw RuntimeFailure("--require-token-file: cannot read \(requireTokenFile)")
            }
            // Read as the client reads its token file, so the same file works on both sides.
            options.requiredToken = text.trimmingWhitespace
        }
        var faults = SimulatorFaults(refuseUpgrade: refuseUpgrade, retryAfter: retryAfter, stallHandshake: stallHandshake, silent: silent)
        faults.falcoDisconnected = falcoDisconnected
        var server = try start(options, faults)
        server.generate(preload)
        options.port = server.port ?? port
        Console.print("demo-server: \(simulator.dialect.rawValue) dialect, \(simulator.rate) events/s on \(tlsCert == nil ? "ws" : "wss")://\(host):\(options.port)/ws (Ctrl-C stops)")
        // Wait for SIGINT/SIGTERM (or the next restart); the server runs on its own event loop.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_BLOCK, &set, nil)
        while true {
            if let restartEvery {
                var timeout = timespec(tv_sec: Int(restartEvery), tv_nsec: Int((restartEvery - restartEvery.rounded(.down)) * 1e9))
                if sigtimedwait(&set, nil, &timeout) > 0 { break }
                if let closeCode { server.closeConnections(code: closeCode, reason: "restarting") }
                server.stop()
                server = try start(options, faults, attempts: 20)
                Console.print("demo-server: restarted")
            } else {
                var caught: Int32 = 0
                sigwait(&set, &caught)
                break
            }
        }
        server.stop()
    }

    /// Starts a server; a restart retries briefly, since the port may take a moment to become free again.
    func start(_ options: SimulatorOptions, _ faults: SimulatorFaults, attempts: Int = 1) throws -> DemoServer {
        var lastError: Error?
        for attempt in 0..<attempts {
            if attempt > 0 { usleep(100_000) }
            let server = DemoServer(options: options)
            do {
                try server.start()
                server.setFaults(faults)
                return server
            } catch {
                lastError = error
                server.stop()
            }
        }
        throw RuntimeFailure("cannot listen on \(options.host):\(options.port): \(lastError.map { "\($0)" } ?? "unknown error")")
    }
}
