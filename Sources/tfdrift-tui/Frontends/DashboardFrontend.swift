#if canImport(Glibc)
import Glibc
#endif
import TFDriftCore
import TFDriftRuntime
import TFDriftTerminal
import TFDriftView

/// The ncurses dashboard: keys in, canvas out.
final class DashboardFrontend: Frontend {
    let terminal: TerminalDriver
    let theme: Theme

    /// The last frame drawn: what a mouse click lands on.
    private var shown: Canvas?

    init(mouse: Bool) {
        terminal = TerminalDriver(mouse: mouse)
        let noColor = getenv("NO_COLOR").map { String(cString: $0).isEmpty == false } ?? false
        theme = noColor || !terminal.colorsAvailable ? .monochrome : .standard
    }

    var inputDescriptor: Int32? { STDIN_FILENO }
    var wantsToStop: Bool { false }

    /// Keys become actions as they are.
    func readInput(state: State) -> [Action] {
        let keys = terminal.readKeys()
        if terminal.takeResize() { terminal.invalidate() }
        var actions = settle(state: state)
        for key in keys {
            if case .mouse(let event) = key {
                if let shown { actions += Dashboard.actions(for: event, on: shown, state: state) }
            } else {
                actions.append(.key(key))
            }
        }
        return actions
    }

    /// The terminal's size and each pane's page enter the store as an action whenever they differ from what the
    /// state knows: after a resize, and after the state changed the layout (a maximised pane).
    func settle(state: State) -> [Action] {
        let size = terminal.size
        let pageRows = Layout.pageRows(size, Arrangement(state))
        guard size.width != state.ui.width || size.height != state.ui.height || pageRows != state.ui.pageRows else { return [] }
        return [.resized(width: size.width, height: size.height, pageRows: pageRows)]
    }

    func copyToClipboard(_ text: String) {
        terminal.writeControl(ClipboardSequence.osc52(text))
    }

    func terminalResized() {
        terminal.adoptWindowSize()
    }

    func present(state: State) {
        let options = RenderOptions(theme: theme, glyphs: terminal.glyphs, utcOffset: DashboardFrontend.localOffset())
        let canvas = Dashboard.render(state, size: terminal.size, options: options)
        terminal.draw(canvas)
        shown = canvas
    }

    func close() {
        terminal.restore()
    }

    /// Seconds east of UTC right now, so times show in the operator's zone.
    static func localOffset() -> Int {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return parts.tm_gmtoff
    }
}
