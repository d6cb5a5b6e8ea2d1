import Foundation
import Testing
@testable import TFDriftConfig
import TFDriftCore
@testable import TFDriftView

struct ThemeFileTests {
    static let themesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../themes").standardized

    @Test func everyShippedThemeParsesCleanly() {
        #expect(EmbeddedThemes.files.count >= 6)
        for file in EmbeddedThemes.files {
            let parsed = ThemeFile.parse(file.text, path: file.name)
            #expect(parsed.problems.isEmpty, "\(file.name): \(parsed.problems)")
            #expect(parsed.theme.name == file.name)
        }
        #expect(Set(EmbeddedThemes.files.map(\.name)).isSuperset(of: ["default", "dark-256", "light", "high-contrast", "solarized-dark", "monochrome"]))
    }

    /// The binary carries the files of `themes/` exactly (Scripts/embed-themes.sh regenerates them).
    @Test func embeddedThemesAreTheFilesOfTheThemesFolder() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.themesFolder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names.map { String($0.dropLast(5)) } == EmbeddedThemes.files.map(\.name))
        for file in EmbeddedThemes.files {
            let onDisk = try String(contentsOf: Self.themesFolder.appendingPathComponent(file.name + ".yaml"), encoding: .utf8)
            #expect(file.text + "\n" == onDisk, "\(file.name) differs; run Scripts/embed-themes.sh")
        }
    }

    /// The compiled-in fallbacks and the shipped files are the same themes.
    @Test(arguments: [("default", Theme.standard), ("monochrome", Theme.monochrome)])
    func shippedFilesMatchTheCompiledThemes(name: String, compiled: Theme) throws {
        let file = try #require(EmbeddedThemes.files.first { $0.name == name })
        let parsed = ThemeFile.parse(file.text, path: name).theme
        for role in Role.all + [.severity(.other("policy-x"))] {
            #expect(parsed.style(role) == compiled.style(role), "\(name) \(role.name)")
        }
    }

    @Test func aPartialThemeFallsBackToTheDefaultPerRole() {
        let parsed = ThemeFile.parse("name: mine\nroles:\n  severity-critical: { fg: \"#ff0000\", bold: true }\n", path: "mine.yaml")
        #expect(parsed.problems.isEmpty)
        #expect(parsed.theme.style(.severity(.critical)) == Style(fg: .rgb(255, 0, 0), bold: true))
        #expect(parsed.theme.style(.statusBar) == Theme.standard.style(.statusBar))
        #expect(parsed.theme.name == "mine")
    }

    @Test(arguments: [
        ("roles:\n  border: [unclosed\n", "broken.yaml:3: not valid YAML: did not find expected ',' or ']'"),
        ("name: x\nroles:\n  sevrity-critical: red\n", "broken.yaml:3: sevrity-critical: unknown role"),
        ("name: x\nroles:\n  border: \"#ggg\"\n", "broken.yaml:3: border: bad colour \"#ggg\""),
        ("name: x\nroles:\n  border: 300\n", "broken.yaml:3: border: colour 300 is not 0–255"),
        ("name: x\nroles:\n  title: { bold: maybe }\n", "broken.yaml:3: title: bold: expected true or false"),
        ("name: x\ncolours: {}\n", "broken.yaml:2: colours: unknown key"),
        ("- a\n- b\n", "broken.yaml: a theme is a mapping"),
    ])
    func brokenFilesSayFileLineAndKey(text: String, expected: String) {
        let parsed = ThemeFile.parse(text, path: "broken.yaml")
        #expect(parsed.problems.count == 1)
        #expect(parsed.problems.first?.description.hasPrefix(expected) == true, "\(parsed.problems)")
        // Whatever was wrong, there is a usable theme: the default's roles where the file said nothing usable.
        #expect(parsed.theme.style(.statusBar) == Theme.standard.style(.statusBar))
    }

    @Test func aBadRoleDoesNotLoseTheGoodOnes() {
        let parsed = ThemeFile.parse("roles:\n  border: nope\n  title: red\n", path: "t.yaml")
        #expect(parsed.problems.count == 1)
        #expect(parsed.theme.style(.title) == Style(fg: .red))
    }
}

struct ColorDepthTests {
    @Test(arguments: [
        (TermColor.rgb(255, 0, 0), ColorDepth.indexed256, TermColor.indexed(196)),
        (.rgb(255, 0, 0), .ansi16, .ansi(9)),
        (.rgb(128, 128, 128), .indexed256, .indexed(244)),
        (.rgb(0, 0, 0), .indexed256, .indexed(16)),
        (.indexed(196), .ansi16, .ansi(9)),
        (.indexed(22), .ansi16, .ansi(0)),
        (.rgb(1, 2, 3), .truecolor, .rgb(1, 2, 3)),
        (.ansi(3), .ansi16, .ansi(3)),
        (.ansi(3), .none, .default),
    ])
    func trueColoursDegradeToTheNearestTheTerminalHas(color: TermColor, depth: ColorDepth, expected: TermColor) {
        #expect(color.degraded(to: depth) == expected)
    }

    @Test func solarizedOnA16ColourTerminalUsesOnlyThe16() throws {
        let file = try #require(EmbeddedThemes.files.first { $0.name == "solarized-dark" })
        let theme = ThemeFile.parse(file.text, path: "s").theme
        for depth in [ColorDepth.indexed256, .ansi16] {
            let degraded = theme.degraded(to: depth)
            for role in Role.all {
                for color in [degraded.style(role).fg, degraded.style(role).bg] {
                    switch (color, depth) {
                    case (.rgb, _), (.indexed, .ansi16): Issue.record("\(role.name) kept \(color) at \(depth)")
                    default: break
                    }
                }
            }
        }
        // Critical and low stay apart after the mapping: red-ish and green-ish are not merged.
        let sixteen = theme.degraded(to: .ansi16)
        #expect(sixteen.style(.severity(.critical)).fg != sixteen.style(.severity(.low)).fg)
    }

    @Test func terminfoColoursGiveTheDepth() {
        #expect(ColorDepth.fromTerminfo(colors: 1 << 24) == .truecolor)
        #expect(ColorDepth.fromTerminfo(colors: 256) == .indexed256)
        #expect(ColorDepth.fromTerminfo(colors: 8) == .ansi16)
        #expect(ColorDepth.fromTerminfo(colors: -1) == .none)
    }
}

/// Themes are shared like k9s skins and the configuration is reloaded while the dashboard runs: a few hundred
/// bytes whose mapping key is an alias of a deeply nested sequence took seconds to read (each ~50 more bytes ten
/// times longer), and froze the screen on a hot reload. Files that need no aliases are refused when they hold one.
struct YAMLLimitsTests {
    static let aliasKey = """
        roles: &r [1, [2, [3, [4, [5, [6, [7, [8, [9, [10]]]]]]]]]]
        b: &b [*r, *r, *r, *r, *r, *r, *r, *r, *r, *r]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
        ? *f
        : 1
        ? *f
        : 2

        """

    @Test func anAliasInAThemeOrConfigurationIsRefusedWithItsLine() {
        #expect(Self.aliasKey.utf8.count <= 400)
        let theme = ThemeFile.parse(Self.aliasKey, path: "/t/skin.yaml")
        #expect(theme.problems.map(\.description) == ["/t/skin.yaml:2: aliases (*name) are not allowed in theme and configuration files; write the value out"])
        #expect(theme.theme.name == Theme.standard.name)
        let config = Configuration.resolve(file: (path: "/c/config.yaml", text: "url: ws://a:1/ws\ntheme: *x\n"), environment: [:], flags: [:])
        #expect(config.problems.map(\.description) == ["/c/config.yaml:2: aliases (*name) are not allowed in theme and configuration files; write the value out"])
        #expect(config.value("url") == Configuration.resolve(file: nil, environment: [:], flags: [:]).value("url"), "nothing of the file applied")
    }

    @Test func anchorsWithoutAliasesAndStarsInTextAreStillRead() {
        let theme = ThemeFile.parse("name: star\nroles: &r\n  title: { fg: \"*\" }\n", path: "star.yaml")
        #expect(!theme.problems.contains { $0.message.hasPrefix("aliases") }, "\(theme.problems)")
        let config = Configuration.resolve(file: (path: "c.yaml", text: "filter: 'type:aws_* *admin*'\n"), environment: [:], flags: [:])
        #expect(config.problems.isEmpty, "\(config.problems)")
        #expect(config.value("filter") == .string("type:aws_* *admin*"))
    }

    @Test func aFileOverOneMebibyteIsNotRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tfdrift-big-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try String(repeating: "# padding\n", count: 110_000).write(toFile: path, atomically: true, encoding: .utf8)
        guard case .failure(let problem) = TextFile.contents(of: path) else {
            Issue.record("a 1.1 MB file was read")
            return
        }
        #expect(problem.message.contains("larger than 1048576 bytes"))
    }
}
