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

    init() {
        terminal = TerminalDriver()
        let noColor = getenv("NO_COLOR").map { String(cString: $0).isEmpty == false } ?? false
        theme = noColor || !terminal.colorsAvailable ? .monochrome : .standard
    }

    var inputDescriptor: Int32? { STDIN_FILENO }
    var wantsToStop: Bool { false }

    func readInput(state: State) -> [Action] {
        var actions: [Action] = []
        var current = state
        for key in terminal.readKeys() {
            if key == .resize {
                terminal.invalidate()
                continue
            }
            guard let command = KeyMap.command(for: key, state: current, size: terminal.size) else { continue }
            // Help toggles must see their own effect when several keys arrive together.
            if command == .toggleHelp { current.ui.showHelp.toggle() }
            actions.append(.command(command))
        }
        return actions
    }

    func terminalResized() {
        terminal.adoptWindowSize()
    }

    func present(state: State) {
        let options = RenderOptions(theme: theme, glyphs: terminal.glyphs, utcOffset: DashboardFrontend.localOffset())
        terminal.draw(Dashboard.render(state, size: terminal.size, options: options))
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
