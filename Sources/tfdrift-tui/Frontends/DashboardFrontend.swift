#if canImport(Glibc)
import Glibc
#endif
import TFDriftConfig
import TFDriftCore
import TFDriftNetwork
import TFDriftRuntime
import TFDriftTerminal
import TFDriftView

/// The ncurses dashboard: keys in, canvas out; the theme and the configuration file are watched for edits.
final class DashboardFrontend: Frontend {
    /// How the dashboard re-reads its configuration after the file changed: the new settings, or nil.
    struct Reloader {
        var path: String?
        var read: () -> Configuration
        /// Each server's connection settings from a configuration, as actions for the store (the command keeps
        /// `--demo`'s address, and hands the headers, token, TLS files and proxies to each client for its next
        /// attempt); throws when a token file or a proxy cannot be used.
        var settings: (Configuration) throws -> [Action]
    }

    let terminal: TerminalDriver
    private var display: DisplaySettings
    private let catalog: ThemeCatalog
    private let reloader: Reloader
    private var theme: (requested: String, loaded: ThemeCatalog.Loaded, stamp: FileStamp?)
    private var drawnTheme: Theme
    private var owed: [Action] = []
    private var configStamp: FileStamp?
    private var lastFileCheck = -Double.infinity
    /// The last frame drawn: what a mouse click lands on.
    private var shown: Canvas?

    init(display: DisplaySettings, catalog: ThemeCatalog, reloader: Reloader) throws {
        terminal = try TerminalDriver(mouse: display.mouse)
        self.display = display
        self.catalog = catalog
        self.reloader = reloader
        let loaded = catalog.load(display.theme)
        theme = (display.theme, loaded, loaded.path.flatMap(TextFile.stamp))
        drawnTheme = .standard
        configStamp = reloader.path.flatMap(TextFile.stamp)
        if !loaded.problems.isEmpty { owed.append(.configurationProblems(loaded.problems.map(\.shortDescription))) }
        drawnTheme = themeToDraw()
    }

    var inputDescriptor: Int32? { STDIN_FILENO }
    var wantsToStop: Bool { false }

    /// The theme as this terminal can show it; monochrome without colours.
    func themeToDraw() -> Theme {
        let depth = display.depth(terminal: terminal.colorDepth)
        if depth == .none { return catalog.load("monochrome").theme }
        return theme.loaded.theme.degraded(to: depth)
    }

    /// Keys become actions as they are; the mouse lands on what the last frame drew there.
    func readInput(state: State) -> [Action] {
        let keys = terminal.readKeys()
        if terminal.takeResize() { terminal.invalidate() }
        var actions = settle(state: state)
        for key in keys {
            if case .mouse(let event) = key {
                if let shown { actions += state.mouseActions(for: event, on: shown) }
            } else {
                actions.append(.key(key))
            }
        }
        return actions
    }

    /// What the store must hear from the screen: its size and each pane's page whenever they differ from what
    /// the state knows (a resize, a maximised pane), problems with a theme or the configuration, and edits to
    /// either file (looked at once a second).
    func settle(state: State) -> [Action] {
        var actions = owed
        owed = []
        if state.ui.theme != theme.requested { switchTheme(to: state.ui.theme, &actions) }
        let now = SystemClock.monotonic()
        if now - lastFileCheck >= 1 {
            lastFileCheck = now
            actions += watchFiles(state: state)
        }
        let size = terminal.size
        let pageRows = Layout.pageRows(size, state.arrangement)
        if size.width != state.ui.width || size.height != state.ui.height || pageRows != state.ui.pageRows {
            actions.append(.resized(width: size.width, height: size.height, pageRows: pageRows))
        }
        return actions
    }

    func switchTheme(to name: String, _ actions: inout [Action]) {
        let loaded = catalog.load(name)
        theme = (name, loaded, loaded.path.flatMap(TextFile.stamp))
        drawnTheme = themeToDraw()
        terminal.invalidate()
        if !loaded.problems.isEmpty { actions.append(.configurationProblems(loaded.problems.map(\.shortDescription))) }
    }

    /// An edited theme applies at once; an edited configuration applies its display options at once and its
    /// connection options from the next connection attempt. A broken edit is reported and changes nothing.
    func watchFiles(state: State) -> [Action] {
        var actions: [Action] = []
        if let path = theme.loaded.path, TextFile.stamp(path) != theme.stamp {
            switchTheme(to: theme.requested, &actions)
        }
        guard let path = reloader.path else { return actions }
        let stamp = TextFile.stamp(path)
        guard stamp != configStamp else { return actions }
        configStamp = stamp
        let config = reloader.read()
        guard config.problems.isEmpty else {
            let problems = config.problems.map { "\($0.shortDescription) (the running configuration stays)" }
            return actions + [.configurationProblems(problems)]
        }
        let next = DisplaySettings(config: config, environment: Environment.current())
        let themeChanged = next.theme != display.theme
        display = next
        drawnTheme = themeToDraw()
        terminal.invalidate()
        if themeChanged { actions.append(.command(.setTheme(next.theme))) }
        do {
            actions += try reloader.settings(config)
        } catch {
            actions.append(.configurationProblems(["\(error); the running connection settings stay"]))
        }
        return actions
    }

    func terminalResized() {
        terminal.adoptWindowSize()
    }

    /// Inside tmux, into tmux's paste buffer (`load-buffer -w` also forwards it to the terminal's clipboard where
    /// tmux may): a copy that is known to have worked, whatever `set-clipboard` says about OSC 52 from programs.
    /// Elsewhere, or when that fails, OSC 52 to the terminal, which may or may not take it.
    func copyToClipboard(_ text: String) {
        if getenv("TMUX") != nil, let pipe = popen("tmux load-buffer -w - 2>/dev/null", "w") {
            let written = fwrite(text, 1, text.utf8.count, pipe)
            if pclose(pipe) == 0, written == text.utf8.count {
                owed.append(.copiedToTmux(bytes: text.utf8.count))
                return
            }
        }
        terminal.writeControl(ClipboardSequence.osc52(text))
    }

    func alert(_ kind: KioskSettings.Alert) {
        switch kind {
        case .bell: terminal.bell()
        case .flash: terminal.flashScreen()
        case .none: break
        }
    }

    func present(state: State) {
        present(state: state, byteLimit: nil)
    }

    func present(state: State, byteLimit: Int?) {
        if display.title { terminal.setTitle(DashboardFrontend.title(state)) }
        let options = RenderOptions(theme: drawnTheme, glyphs: terminal.glyphs, utcOffset: DashboardFrontend.localOffset())
        let canvas = state.render(size: terminal.size, options: options)
        terminal.draw(canvas, byteLimit: byteLimit)
        shown = canvas
    }

    func takeFrameOutput() -> FrameOutput? {
        terminal.lastOutput.map {
            FrameOutput(bytes: $0.bytes, seconds: $0.seconds, cells: terminal.size.width * terminal.size.height, complete: $0.complete)
        }
    }

    func close() {
        terminal.restoreTitle()
        terminal.restore()
    }

    /// `tfdrift-tui - OPEN - 3 critical`: a tmux status line or window list shows trouble without the screen.
    static func title(_ state: State) -> String {
        let critical = state.feed.stats.severityCounts[.critical] ?? 0
        var phase = LinkWords.name(state.servers[0].connection.phase).uppercased()
        if state.isMultiServer {
            phase = "\(state.servers.filter { $0.connection.phase == .open }.count)/\(state.servers.count) OPEN"
        }
        if state.servers.contains(where: \.rest.readiness.isBlind) {
            phase += " - SERVER BLIND"
        }
        if let kiosk = state.ui.kiosk, state.staleness(after: kiosk.settings.staleAfter) != nil { phase = "DATA STALE" }
        return "tfdrift-tui - \(phase) - \(critical) critical"
    }

    /// Seconds east of UTC right now, so times show in the operator's zone.
    static func localOffset() -> Int {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return parts.tm_gmtoff
    }
}
