import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import TFDriftConfig
import TFDriftCore
import TFDriftRuntime
import TFDriftTerminal
import TFDriftWire

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recording (made with --record) in the dashboard: no socket, no REST call.",
        discussion: """
            Keys: Space pauses, + and - change the speed (1× to 1000×, then as fast as possible), > and < seek a \
            minute, ] and [ jump to the next or previous gap or critical drift; everything else works as live \
            (detail, filter, copy, export). Give rotated parts in order: FILE FILE.1 FILE.2 …
            """
    )

    @Argument(help: "The recording, and its rotated parts in order.", completion: .file())
    var files: [String]

    @Option(name: .long, help: "Times the recorded speed (default 1; 0 plays as fast as possible).")
    var speed: Double = 1

    @Option(name: .long, help: "Start here: a time (2026-11-27T02:14:00Z or 02:14[:00] UTC) or an offset from the start (+90s, +5m).")
    var from: String?

    @Option(name: .long, help: "Stop here (the same forms as --from).")
    var to: String?

    @OptionGroup(title: "Display") var display: DisplayOptions

    func validate() throws {
        if !(speed >= 0) || speed > 1_000_000 { throw ValidationError("--speed must be between 0 and 1000000") }
    }

    func run() throws {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw terminalFailure("stdout is not a terminal; for a headless replay use `tfdrift-tui tail --replay FILE`.")
        }
        let recording: Recording
        switch Recording.load(files) {
        case .success(let loaded): recording = loaded
        case .failure(let error): throw RuntimeFailure("replay: \(error.reason)")
        }
        let start = recording.entries.first?.t ?? recording.startedAt
        let source = try ReplaySource(
            recording: recording, speed: speed == 0 ? nil : speed,
            from: try from.map { try ReplayCommand.time($0, start: start, option: "--from") },
            to: try to.map { try ReplayCommand.time($0, start: start, option: "--to") }, exitsAtEnd: false)
        let extraFlags = try display.flagValues()
        let config = try ConnectionOptions.parse([]).configuration(extraFlags: extraFlags)
        let environment = Environment.current()
        let catalog = ThemeCatalog(environment: environment)
        var state = source.initialState
        state.ui.theme = config.value("theme")?.string ?? "default"
        state.ui.themes = catalog.names()
        state.ui.themesForBackground = TerminalBackground.detect(environment: environment).map { catalog.names(madeFor: $0) }
        // No theme chosen, and the default one is not made for this terminal's background: the first that is.
        if config.sources["theme"] == .builtIn, let suited = state.ui.themesForBackground, !suited.contains("default"), let first = suited.first {
            state.ui.theme = first
        }
        state.ui.replay = source.status
        let frontend: DashboardFrontend
        do {
            frontend = try DashboardFrontend(
                display: DisplaySettings(config: config, environment: environment), catalog: catalog,
                reloader: .init(path: nil, read: { config }, settings: { _ in [] }))
        } catch let error as TerminalError {
            throw terminalFailure(error.description)
        }
        defer { frontend.close() }
        let inbox = Inbox()
        SignalTrap.install(wakingFD: inbox.writeFD)
        let fps = Double(config.value("fps")?.int ?? 30)
        Runtime(
            state: state, source: source, connection: NoConnection(), frontend: frontend, maximumFramesPerSecond: fps,
            drawingShare: DashboardCommand.drawingShare
        ).run()
        // Said after the screen is restored, so it stays on the terminal; a script sees the damage by the status.
        if let stopped = source.stoppedAt ?? recording.damage {
            frontend.close()
            Console.print("tfdrift-tui: replay stopped at \(stopped)", to: STDERR_FILENO)
            throw ExitCode(1)
        }
    }

    /// `2026-11-27T02:14:00Z`, `02:14` or `02:14:07` (UTC, on the day the recording starts, or the next if that is
    /// before the start), or `+90s` / `+5m` from the start.
    static func time(_ text: String, start: Double, option: String) throws -> Double {
        if text.hasPrefix("+") {
            guard let offset = ConfigKey.seconds(String(text.dropFirst())) else { throw ValidationError("\(option): expected an offset such as +90s or +5m") }
            return start + offset
        }
        if let absolute = Timestamp.parse(text) { return absolute }
        let parts = text.split(separator: ":")
        guard (2...3).contains(parts.count), let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes),
              let seconds = parts.count == 3 ? Int(parts[2]) : 0, (0..<60).contains(seconds)
        else {
            throw ValidationError("\(option): expected a time such as 02:14, 02:14:07, 2026-11-27T02:14:00Z or +5m")
        }
        let day = (start / 86_400).rounded(.down) * 86_400
        let candidate = day + Double(hours * 3600 + minutes * 60 + seconds)
        return candidate < start ? candidate + 86_400 : candidate
    }
}
