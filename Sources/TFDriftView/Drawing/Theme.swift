import TFDriftCore

/// What a piece of the screen means; a theme decides how it looks.
public enum Role: Hashable, Sendable {
    case text, dim, border, borderFocused, title, titleFocused, columnHeader, selected
    case headerBar, topicOn, topicOff, keyHint
    case statusBar, statusGood, statusWarn, statusBad
    case severity(Severity)
    case bar, sparkline, warning
    /// The war-room banner when data stopped flowing: the theme's alarm colours.
    case stale
    /// Items loaded as history, and backfilled ones (the TIME column's marker).
    case history
    /// The marker line where the stream was interrupted.
    case gap
}

extension Role {
    /// Every role a theme file may set, in the order `themes/README.md` lists them.
    public static let all: [Role] = [
        .text, .dim, .border, .borderFocused, .title, .titleFocused, .columnHeader, .selected,
        .headerBar, .topicOn, .topicOff, .keyHint, .statusBar, .statusGood, .statusWarn, .statusBad,
    ] + (Severity.known + [.other("")]).map { .severity($0) } + [.bar, .sparkline, .warning, .stale, .history, .gap]

    /// The role's key in a theme file: `border-focused`, `severity-critical`.
    public var name: String {
        switch self {
        case .text: "text"
        case .dim: "dim"
        case .border: "border"
        case .borderFocused: "border-focused"
        case .title: "title"
        case .titleFocused: "title-focused"
        case .columnHeader: "column-header"
        case .selected: "selected"
        case .headerBar: "header-bar"
        case .topicOn: "topic-on"
        case .topicOff: "topic-off"
        case .keyHint: "key-hint"
        case .statusBar: "status-bar"
        case .statusGood: "status-good"
        case .statusWarn: "status-warn"
        case .statusBad: "status-bad"
        case .severity(.other): "severity-other"
        case .severity(let s): "severity-\(s.label)"
        case .bar: "bar"
        case .sparkline: "sparkline"
        case .warning: "warning"
        case .stale: "stale"
        case .history: "history"
        case .gap: "gap"
        }
    }

    public init?(name: String) {
        guard let role = Role.all.first(where: { $0.name == name }) else { return nil }
        self = role
    }
}

/// Box-drawing and symbol characters, with an ASCII set for terminals whose locale is not UTF-8.
public struct Glyphs: Sendable, Equatable {
    public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: String
    public var arrow, bullet, check, pending, ellipsisBar, separator, down: String
    /// A server waiting to reconnect, and one that stopped retrying (the status bar's per-server marks); a failed
    /// readiness check (`falco✗`).
    public var retrying, stopped, failed: String
    public var sparks: [String]
    public var barFull: String

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        arrow: "→", bullet: "●", check: "✓", pending: "…", ellipsisBar: "·", separator: "│", down: "▼", retrying: "↻", stopped: "⏸", failed: "✗",
        sparks: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], barFull: "█")

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        arrow: "->", bullet: "*", check: "+", pending: "~", ellipsisBar: ".", separator: "|", down: "v", retrying: "@", stopped: "X", failed: "!",
        sparks: [".", ".", ":", ":", "=", "=", "#", "#"], barFull: "#")
}

/// Styles for every role. The built-in themes use only the terminal's 16 colours and its default
/// background, so they look right on light and dark terminals alike.
public struct Theme: Sendable {
    public var name: String
    public var styles: [Role: Style]
    public var fallback: Style
    /// The terminal background the theme is made for (`background:` in its file); nil: not said.
    public var background: Contrast.Background?

    public init(name: String, styles: [Role: Style], fallback: Style = .plain, background: Contrast.Background? = nil) {
        self.name = name
        self.styles = styles
        self.fallback = fallback
        self.background = background
    }

    public func style(_ role: Role) -> Style {
        if let s = styles[role] { return s }
        switch role {
        // Any severity a server invents looks like the theme's "other" severity.
        case .severity(.other): return styles[.severity(.other(""))] ?? styles[.text] ?? fallback
        case .severity: return styles[.text] ?? fallback
        case .stale: return styles[.statusBad] ?? fallback
        case .gap: return styles[.warning] ?? fallback
        case .history: return styles[.dim] ?? fallback
        default: return fallback
        }
    }

    /// This theme's roles over `base`'s: a theme file may set only some roles.
    public func over(_ base: Theme) -> Theme {
        Theme(name: name, styles: base.styles.merging(styles) { _, mine in mine }, fallback: fallback, background: background)
    }

    public static let standard = Theme(
        name: "default",
        styles: [
            .text: Style(),
            .dim: Style(fg: .brightBlack),
            .border: Style(fg: .brightBlack),
            .borderFocused: Style(fg: .cyan, bold: true),
            .title: Style(bold: true),
            .titleFocused: Style(fg: .cyan, bold: true),
            .columnHeader: Style(fg: .brightBlack, bold: true),
            .selected: Style(reverse: true),
            .headerBar: Style(fg: .black, bg: .cyan),
            .topicOn: Style(fg: .brightWhite, bg: .blue, bold: true),
            .topicOff: Style(fg: .black, bg: .cyan),
            .keyHint: Style(fg: .black, bg: .cyan),
            .statusBar: Style(fg: .white, bg: .blue),
            .statusGood: Style(fg: .brightGreen, bg: .blue, bold: true),
            .statusWarn: Style(fg: .brightYellow, bg: .blue, bold: true),
            .statusBad: Style(fg: .white, bg: .red, bold: true),
            .severity(.critical): Style(fg: .brightWhite, bg: .red, bold: true),
            .severity(.high): Style(fg: .brightRed),
            .severity(.medium): Style(fg: .yellow),
            .severity(.low): Style(fg: .green),
            .severity(.warning): Style(fg: .brightMagenta),
            .severity(.info): Style(fg: .brightBlack),
            .bar: Style(fg: .cyan),
            .sparkline: Style(fg: .green),
            .warning: Style(fg: .yellow, bold: true),
            .stale: Style(fg: .brightWhite, bg: .red, bold: true),
            .history: Style(fg: .brightBlack),
            .gap: Style(fg: .yellow, bold: true),
        ],
        background: .dark)

    /// For `NO_COLOR` and monochrome terminals: meaning carried by bold, dim and reverse only.
    public static let monochrome = Theme(
        name: "monochrome",
        styles: [
            .borderFocused: Style(bold: true),
            .title: Style(bold: true),
            .titleFocused: Style(bold: true, underline: true),
            .columnHeader: Style(bold: true),
            .selected: Style(reverse: true),
            .headerBar: Style(reverse: true),
            .topicOn: Style(bold: true, reverse: true),
            .topicOff: Style(underline: true),
            .keyHint: Style(reverse: true),
            .statusBar: Style(reverse: true),
            .statusGood: Style(bold: true, reverse: true),
            .statusWarn: Style(bold: true, reverse: true),
            .statusBad: Style(bold: true, reverse: true, underline: true),
            .severity(.critical): Style(bold: true, underline: true),
            .severity(.high): Style(bold: true),
            .warning: Style(bold: true),
            .stale: Style(bold: true, reverse: true, underline: true),
            .gap: Style(bold: true),
        ],
        background: .dark)
}
