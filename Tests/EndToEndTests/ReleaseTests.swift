import Foundation
import Testing

/// The release archive (`Scripts/release.sh`), installed into a temporary prefix and run on this machine with the
/// Swift toolchain out of reach: no toolchain library linked, `/opt/swift` hidden by a private mount, an empty
/// environment. `.ci/run` builds the archive and names it in `RELEASE_ARCHIVE_UNDER_TEST`; a plain `swift test`
/// (no archive) leaves these tests out, since the static release build alone takes minutes.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["RELEASE_ARCHIVE_UNDER_TEST"] != nil))
struct ReleaseTests {
    static let archive = ProcessInfo.processInfo.environment["RELEASE_ARCHIVE_UNDER_TEST"] ?? ""
    static let toolchain = "/opt/swift"

    /// Unpacks the archive and installs it with its own install.sh into a fresh prefix.
    static func installed() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tfdrift-release-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root + "/unpacked", withIntermediateDirectories: true)
        let untar = try run("/bin/tar", ["-xzf", archive, "-C", root + "/unpacked"])
        guard untar.status == 0 else { throw E2EError("tar: \(untar.err)") }
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: root + "/unpacked").first)
        let install = try run("/bin/bash", [root + "/unpacked/" + folder + "/install.sh", "--prefix", root + "/prefix"])
        guard install.status == 0 else { throw E2EError("install.sh: \(install.out) \(install.err)") }
        return root + "/prefix"
    }

    /// `command` run with the toolchain hidden (a private mount namespace over /opt/swift) and no environment
    /// but what is given.
    static func hidden(_ command: String, environment: [String] = []) -> [String] {
        ["-m", "/bin/sh", "-c", "mount -t tmpfs none \(toolchain) && exec env -i PATH=/usr/bin:/bin \(environment.joined(separator: " ")) \(command)"]
    }

    static func checkout() throws -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    }

    @Test func theInstalledBinaryNeedsNoToolchainAndSaysWhichCommitItIs() throws {
        let prefix = try Self.installed()
        let binary = prefix + "/bin/tfdrift-tui"
        let ldd = try run("/usr/bin/ldd", [binary])
        let libraries = ldd.out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!libraries.isEmpty && libraries.allSatisfy { !$0.contains(Self.toolchain) && !$0.contains("libswift") && !$0.contains("libFoundation") },
                "\(ldd.out)")
        #expect(!libraries.contains { $0.contains("not found") })

        let head = try run("/usr/bin/git", ["-C", try Self.checkout(), "rev-parse", "--short=12", "HEAD"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let version = try run("/usr/bin/unshare", Self.hidden("\(binary) --version"))
        #expect(version.status == 0, "\(version.err)")
        #expect(version.out.hasPrefix("tfdrift-tui ") && version.out.contains("commit \(head)"), "\(version.out) vs \(head)")
        #expect(try run("/usr/bin/unshare", Self.hidden("\(binary) version")).out == version.out)

        // A recording replayed by the installed binary, the toolchain hidden.
        let recording = try Self.checkout() + "/Tests/IntegrationTests/Recordings/restarts-with-gaps.ndjson"
        let replay = try run("/usr/bin/unshare", Self.hidden("\(binary) tail --replay \(recording)"))
        #expect(replay.status == 0, "\(replay.err)")
        #expect(replay.out.split(separator: "\n").count > 10 && replay.out.contains("\"kind\":\"summary\""))
    }

    @Test func doctorAndTheDashboardRunFromTheInstallWithTheToolchainHidden() throws {
        let prefix = try Self.installed()
        let binary = prefix + "/bin/tfdrift-tui"
        // A site's own theme beside the shipped ones is found through the installation's folder.
        try "name: site\nroles:\n  text: {}\n".write(toFile: prefix + "/share/tfdrift-tui/themes/site.yaml", atomically: true, encoding: .utf8)
        let themes = try run("/usr/bin/unshare", Self.hidden("\(binary) ---completion dashboard -- --theme 2 0 tfdrift-tui --theme ''"))
        #expect(themes.out.split(separator: "\n").contains("site"), "\(themes.out) \(themes.err)")

        let server = try DemoServerProcess(rate: 2)
        defer { server.stop() }
        let doctor = try run("/usr/bin/unshare", Self.hidden("\(binary) doctor --no-config --url \(server.url)", environment: ["TERM=xterm-256color", "LANG=C.UTF-8"]))
        #expect(doctor.status == 0, "\(doctor.out)\(doctor.err)")
        #expect(!doctor.out.contains("✗") && doctor.out.contains("✓ /health: ok"), "\(doctor.out)")

        let command = (["/usr/bin/unshare"] + Self.hidden("\(binary) --no-config --url \(server.url)", environment: ["TERM=xterm-256color", "LANG=C.UTF-8"]))
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let tmux = try Tmux(width: 100, height: 30, command: command)
        defer { tmux.kill() }
        let screen = try tmux.waitFor("the installed dashboard, live") { $0.contains("OPEN") && $0.contains("Drifts") }
        #expect(screen.contains("┌"), "borders drawn in UTF-8 without the toolchain's locale data")
        try tmux.send("q")
    }

    @Test func theManPageRendersAndNamesEveryFlagAndKey() throws {
        let prefix = try Self.installed()
        let page = prefix + "/share/man/man1/tfdrift-tui.1"
        let rendered = try run("/bin/sh", ["-c", "MANWIDTH=200 man -l -P cat \(page) 2>/dev/null || groff -mandoc -Tutf8 \(page)"])
        #expect(rendered.status == 0 && rendered.out.contains("KEYS") && rendered.out.contains("EXIT STATUS"), "\(rendered.err)")
        let text = rendered.out.replacingOccurrences(of: "\u{2010}", with: "-").replacingOccurrences(of: "\u{2212}", with: "-")
        // Every flag of every subcommand, as the binary itself lists them.
        let dump = try run(prefix + "/bin/tfdrift-tui", ["--experimental-dump-help"])
        let flags = Set(dump.out.matches(of: /"name" : "([a-z][a-z0-9-]+)"/).map { String($0.1) }).filter { $0.count > 1 }
        #expect(flags.count > 40)
        let missing = flags.filter { !text.contains("--" + $0) && !text.contains($0) }
        #expect(missing.isEmpty, "flags missing from the man page: \(missing.sorted())")
        // Every row of the README's key table (which a view test keeps equal to the bindings table): its section,
        // its keys as written there and its action.
        let readme = try String(contentsOfFile: try Self.checkout() + "/README.md", encoding: .utf8)
        let table = try #require(readme.firstRange(of: "<!-- keys:begin -->").flatMap { begin in
            readme.firstRange(of: "<!-- keys:end -->").map { readme[begin.upperBound..<$0.lowerBound] }
        })
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| where") }
        #expect(rows.count > 50)
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let keys = cells[1].replacingOccurrences(of: "`", with: "")
            #expect(flat.contains(cells[0]) && flat.contains(keys + " " + cells[2]), "key row missing from the man page: \(row)")
        }
        for path in ["share/bash-completion/completions/tfdrift-tui", "share/zsh/site-functions/_tfdrift-tui", "share/fish/vendor_completions.d/tfdrift-tui.fish"] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + path), "\(path)")
        }
    }
}
