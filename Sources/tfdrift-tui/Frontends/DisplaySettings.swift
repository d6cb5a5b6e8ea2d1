import TFDriftConfig
import TFDriftCore
import TFDriftView

/// What the dashboard's screen needs from the configuration: theme, colours, mouse, kiosk.
struct DisplaySettings {
    var theme: String
    /// `--colors`: at most this depth (the terminal's own limit still applies).
    var colors: ColorDepth?
    /// `--no-color`, `no-color: true` or a non-empty `NO_COLOR`.
    var noColor: Bool
    var mouse: Bool
    var title: Bool

    init(config: Configuration, environment: [String: String]) {
        theme = config.value("theme")?.string ?? "default"
        colors = config.value("colors")?.string.flatMap { ColorDepth(rawValue: $0) }
        noColor = (config.value("no-color")?.bool ?? false) || !(environment["NO_COLOR"] ?? "").isEmpty
        mouse = config.value("mouse")?.bool ?? false
        title = !(config.value("no-title")?.bool ?? false)
    }

    /// The depth to draw with: what the terminal can do, lowered by `--colors`, none for `NO_COLOR`.
    func depth(terminal: ColorDepth) -> ColorDepth {
        if noColor { return .none }
        return min(terminal, colors ?? terminal)
    }
}
