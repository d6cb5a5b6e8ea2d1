import ArgumentParser
import TFDriftConfig
import TFDriftCore
import TFDriftView

/// `tfdrift-tui manual-sections`: the man page's sections the flags cannot give — keys (from the bindings
/// table), configuration (from the key table), environment, files, exit status and examples — in mdoc, appended
/// by `Scripts/release.sh` to the page the argument parser generates from the command definitions.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual-sections", abstract: "Print the man page's keys, configuration, environment, files and exit status (mdoc).",
        shouldDisplay: false)

    func run() {
        for line in ManualCommand.sections() { print(line) }
    }

    /// mdoc text: a line starting with `.` or `'` would be read as a request, so every text line is escaped.
    static func text(_ line: String) -> String {
        let escaped = line.replacingBackslashes()
        return escaped.hasPrefix(".") || escaped.hasPrefix("'") ? "\\&" + escaped : escaped
    }

    static func sections() -> [String] {
        var lines: [String] = [".Sh KEYS", text("In the dashboard; ? shows the same table on screen.")]
        for context in BindingContext.allCases {
            let rows = Bindings.table.filter { $0.context == context }
            guard !rows.isEmpty else { continue }
            lines += [".Ss \(text(context.title))", ".Bl -tag -width 12n -compact"]
            // `\&` before each key: mdoc reads `?`, `!`, `:` and friends as punctuation otherwise.
            for row in rows { lines += [".It Sy " + row.label.split(separator: " ").map { "\\&" + String($0).replacingBackslashes() }.joined(separator: " "), text(row.help)] }
            lines.append(".El")
        }
        lines += [
            ".Sh CONFIGURATION",
            text("Settings come from, each overriding the one before: built-in defaults, the configuration file, TFDRIFT_* environment"),
            text("variables, flags. Keys are named after the flags; tfdrift-tui config prints every value and where it came from."),
            ".Bl -tag -width 16n",
        ]
        for key in ConfigKey.all { lines += [".It Cm \(text(key.name))", text(key.help + (key.secret ? " (environment only)" : ""))] }
        lines += [
            ".El",
            ".Sh ENVIRONMENT", ".Bl -tag -width 16n",
            ".It Ev TFDRIFT_*", text("any configuration key, e.g. TFDRIFT_URL, TFDRIFT_TOPICS, TFDRIFT_TOKEN (the token itself)"),
            ".It Ev TERM", text("the terminal type; the dashboard needs one terminfo knows (tail does not)"),
            ".It Ev NO_COLOR", text("when not empty, draw without colour"),
            ".It Ev ESCDELAY", text("milliseconds ncurses waits after Esc (default 25)"),
            ".It Ev HTTPS_PROXY , HTTP_PROXY , NO_PROXY", text("the proxy for wss:// and ws://, and the hosts reached directly"),
            ".It Ev XDG_CONFIG_HOME", text("where the configuration folder is (default ~/.config)"),
            ".El",
            ".Sh FILES", ".Bl -tag -width 16n",
            ".It Pa ~/.config/tfdrift-tui/config.yaml", text("the configuration file (reloaded when it changes)"),
            ".It Pa ~/.config/tfdrift-tui/themes/*.yaml", text("your themes; they win over shipped ones of the same name"),
            ".It Pa PREFIX/share/tfdrift-tui/themes/*.yaml", text("the installation's themes"),
            ".El",
            ".Sh EXIT STATUS", ".Bl -tag -width 4n",
            ".It 0", text("success; tail: it ended having reached a server"),
            ".It 1", text("a runtime failure: no server could be reached or read, a damaged recording, an unreadable file; doctor: a check failed"),
            ".It 2", text("the terminal cannot host the dashboard (TERM unset, dumb or unknown)"),
            ".It 3", text("tail: every server refused this client's configuration (credentials, certificate, proxy)"),
            ".It 64", text("a usage error: unknown flags or bad values"),
            ".El",
            ".Sh EXAMPLES",
            text("The dashboard against the embedded demo server:"), ".Dl tfdrift-tui --demo",
            text("A real server behind a private CA, with a token:"), ".Dl tfdrift-tui --url wss://tfdrift.internal/ws --ca-file ca.pem --token-file ~/.config/tfdrift-tui/token",
            text("Two servers on one screen, and the war-room mode:"), ".Dl tfdrift-tui --url prod=wss://prod/ws --url staging=ws://staging:8080/ws --kiosk",
            text("Critical drifts as NDJSON for a script:"), ".Dl tfdrift-tui tail --url ws://tfdrift:8080/ws --filter sev:crit",
            text("Why does it not connect?"), ".Dl tfdrift-tui doctor --url wss://tfdrift.internal/ws",
        ]
        return lines
    }
}

extension String {
    /// `\` is mdoc's escape character; a literal one is written `\e`.
    func replacingBackslashes() -> String {
        var out = ""
        for ch in self { if ch == "\\" { out += "\\e" } else { out.append(ch) } }
        return out
    }
}
