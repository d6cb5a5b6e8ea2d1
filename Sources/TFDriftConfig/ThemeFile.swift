import TFDriftCore
import TFDriftView
import TFDriftWire
import Yams

/// A theme file (`themes/*.yaml`, like a k9s skin):
///
/// ```yaml
/// name: dark-256
/// roles:
///   border: 240                      # a colour alone is the foreground
///   border-focused: { fg: cyan, bold: true }
///   severity-critical: { fg: "#ff5f5f", bg: default, bold: true }
/// ```
///
/// Colours: `default`, the 16 names (`red`, `bright-black`…), 0–255, or `#rrggbb`. Attributes: `bold`, `dim`,
/// `reverse`, `underline`. Roles the file does not set come from the default theme. Anything not understood
/// is reported with its line and skipped; the rest of the file still applies.
public enum ThemeFile {
    public static func parse(_ text: String, path: String, base: Theme = .standard) -> (theme: Theme, problems: [FileProblem]) {
        let document: YAMLDocument
        switch YAMLDocument.parse(text, path: path) {
        case .failure(let problem): return (base, [problem])
        case .success(let parsed): document = parsed
        }
        guard let entries = document.entries() else {
            return (base, [document.problem(nil, nil, "a theme is a mapping with name: and roles:")])
        }
        var problems: [FileProblem] = []
        var name = ThemeFile.name(ofPath: path)
        var styles: [Role: Style] = [:]
        var background: Contrast.Background?
        for entry in entries {
            switch entry.key {
            case "name":
                if let text = entry.value.string, !text.isEmpty { name = Sanitizer.clean(text, limit: 40) } else {
                    problems.append(document.problem(entry.line, "name", "not a name"))
                }
            case "background":
                if let text = entry.value.string, let value = Contrast.Background(rawValue: text) { background = value } else {
                    problems.append(document.problem(entry.line, "background", "expected dark or light"))
                }
            case "roles", "colors":
                guard let roles = document.entries(entry.value) else {
                    problems.append(document.problem(entry.line, entry.key, "expected a mapping of role: style"))
                    continue
                }
                for role in roles {
                    guard let known = Role(name: role.key) else {
                        problems.append(document.problem(role.line, role.key, "unknown role (known: \(Role.all.map(\.name).joined(separator: ", ")))"))
                        continue
                    }
                    switch ThemeFile.style(role.value) {
                    case .success(let style): styles[known] = style
                    case .failure(let why): problems.append(document.problem(role.value.mark?.line ?? role.line, role.key, why.message))
                    }
                }
            default:
                problems.append(document.problem(entry.line, entry.key, "unknown key (a theme has name:, background: and roles:)"))
            }
        }
        return (Theme(name: name, styles: styles, background: background).over(base), problems)
    }

    /// `themes/solarized-dark.yaml` → `solarized-dark`.
    public static func name(ofPath path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".yaml") ? String(file.dropLast(5)) : file.hasSuffix(".yml") ? String(file.dropLast(4)) : file
    }

    struct Invalid: Error {
        var message: String
    }

    static func style(_ node: Node) -> Result<Style, Invalid> {
        if let text = node.string {
            return color(text).map { Style(fg: $0) }
        }
        guard case .mapping(let mapping) = node else { return .failure(Invalid(message: "expected a colour or { fg:, bg:, bold: … }")) }
        var style = Style()
        for pair in mapping {
            let key = pair.key.string ?? ""
            switch key {
            case "fg", "bg":
                guard let text = pair.value.string else { return .failure(Invalid(message: "\(key): expected a colour")) }
                switch color(text) {
                case .success(let c): if key == "fg" { style.fg = c } else { style.bg = c }
                case .failure(let why): return .failure(Invalid(message: "\(key): \(why.message)"))
                }
            case "bold", "dim", "reverse", "underline":
                guard let flag = pair.value.bool else { return .failure(Invalid(message: "\(key): expected true or false")) }
                switch key {
                case "bold": style.bold = flag
                case "dim": style.dim = flag
                case "reverse": style.reverse = flag
                default: style.underline = flag
                }
            default:
                return .failure(Invalid(message: "unknown style key \(Sanitizer.clean(key, limit: 30)) (fg, bg, bold, dim, reverse, underline)"))
            }
        }
        return .success(style)
    }

    static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// `default`, a name, 0–255 or `#rrggbb`.
    static func color(_ raw: String) -> Result<TermColor, Invalid> {
        let text = raw.trimmingBlanks.lowercased()
        if text == "default" || text == "none" { return .success(.default) }
        if let index = names.firstIndex(of: text) {
            return .success(.ansi(UInt8(index)))
        }
        if let n = Int(text) {
            guard (0...255).contains(n) else { return .failure(Invalid(message: "colour \(n) is not 0–255")) }
            return .success(n < 16 ? .ansi(UInt8(n)) : .indexed(UInt8(n)))
        }
        if text.hasPrefix("#"), text.count == 7, let value = UInt32(text.dropFirst(), radix: 16) {
            return .success(.rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)))
        }
        return .failure(Invalid(message: "bad colour \"\(Sanitizer.clean(raw, limit: 30))\" (default, a name such as bright-red, 0–255, or #rrggbb)"))
    }
}
