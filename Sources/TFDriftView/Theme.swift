import TFDriftCore

/// What a piece of the screen means; a theme decides how it looks.
public enum Role: Hashable, Sendable {
    case text, dim, border, borderFocused, title, titleFocused, columnHeader, selected
    case headerBar, topicOn, topicOff, keyHint
    case statusBar, statusGood, statusWarn, statusBad
    case severity(Severity)
    case bar, sparkline, warning
}

/// Box-drawing and symbol characters, with an ASCII set for terminals whose locale is not UTF-8.
public struct Glyphs: Sendable, Equatable {
    public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: String
    public var arrow, bullet, check, pending, ellipsisBar, separator, down: String
    public var sparks: [String]
    public var barFull: String

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        arrow: "→", bullet: "●", check: "✓", pending: "…", ellipsisBar: "·", separator: "│", down: "▼",
        sparks: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], barFull: "█")

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        arrow: "->", bullet: "*", check: "+", pending: "~", ellipsisBar: ".", separator: "|", down: "v",
        sparks: [".", ".", ":", ":", "=", "=", "#", "#"], barFull: "#")
}

/// Styles for every role. The built-in themes use only the terminal's 16 colours and its default
/// background, so they look right on light and dark terminals alike.
public struct Theme: Sendable {
    public var name: String
    public var styles: [Role: Style]
    public var fallback: Style

    public init(name: String, styles: [Role: Style], fallback: Style = .plain) {
        self.name = name
        self.styles = styles
        self.fallback = fallback
    }

    public func style(_ role: Role) -> Style {
        if let s = styles[role] { return s }
        if case .severity = role { return styles[.text] ?? fallback }
        return fallback
    }

    public static let standard = Theme(
        name: "default",
        styles: [
            .text: Style(),
            .dim: Style(dim: true),
            .border: Style(fg: .brightBlack),
            .borderFocused: Style(fg: .cyan, bold: true),
            .title: Style(bold: true),
            .titleFocused: Style(fg: .cyan, bold: true),
            .columnHeader: Style(fg: .brightBlack, bold: true),
            .selected: Style(reverse: true),
            .headerBar: Style(fg: .black, bg: .cyan),
            .topicOn: Style(fg: .black, bg: .cyan, bold: true),
            .topicOff: Style(fg: .brightBlack, bg: .cyan),
            .keyHint: Style(fg: .black, bg: .cyan),
            .statusBar: Style(fg: .white, bg: .blue),
            .statusGood: Style(fg: .brightGreen, bg: .blue, bold: true),
            .statusWarn: Style(fg: .brightYellow, bg: .blue, bold: true),
            .statusBad: Style(fg: .white, bg: .red, bold: true),
            .severity(.critical): Style(fg: .brightRed, bold: true),
            .severity(.high): Style(fg: .red),
            .severity(.medium): Style(fg: .yellow),
            .severity(.low): Style(fg: .green),
            .severity(.warning): Style(fg: .magenta),
            .severity(.info): Style(fg: .brightBlack),
            .bar: Style(fg: .cyan),
            .sparkline: Style(fg: .green),
            .warning: Style(fg: .yellow, bold: true),
        ])

    /// For `NO_COLOR` and monochrome terminals: meaning carried by bold, dim and reverse only.
    public static let monochrome = Theme(
        name: "monochrome",
        styles: [
            .dim: Style(dim: true),
            .borderFocused: Style(bold: true),
            .title: Style(bold: true),
            .titleFocused: Style(bold: true, underline: true),
            .columnHeader: Style(bold: true),
            .selected: Style(reverse: true),
            .headerBar: Style(reverse: true),
            .topicOn: Style(bold: true, reverse: true),
            .topicOff: Style(dim: true, reverse: true),
            .keyHint: Style(reverse: true),
            .statusBar: Style(reverse: true),
            .statusGood: Style(bold: true, reverse: true),
            .statusWarn: Style(bold: true, reverse: true),
            .statusBad: Style(bold: true, reverse: true, underline: true),
            .severity(.critical): Style(bold: true, underline: true),
            .severity(.high): Style(bold: true),
            .warning: Style(bold: true),
        ])
}
