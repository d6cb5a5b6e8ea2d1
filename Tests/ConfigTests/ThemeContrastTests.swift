import Testing
import TFDriftConfig
import TFDriftCore
import TFDriftView

/// Every shipped theme reads on the background it is made for: text ≥ 4.5:1 and marks (borders, bars) ≥ 3:1,
/// WCAG 2 contrast computed from the theme files' colours (the 16 named colours as xterm's default palette, the
/// terminal's default colours as xterm's on that background, dim as half intensity, reverse swapped).
struct ThemeContrastTests {
    static let marks: Set<Role> = [.border, .borderFocused, .bar, .sparkline]

    static func shipped() -> [(name: String, theme: Theme)] {
        EmbeddedThemes.files.map { file in
            let loaded = ThemeFile.parse(file.text, path: "themes/\(file.name).yaml")
            #expect(loaded.problems.isEmpty, "\(file.name): \(loaded.problems)")
            return (file.name, loaded.theme)
        }
    }

    @Test func everyRoleOfEveryShippedThemeHasEnoughContrast() {
        for (name, theme) in Self.shipped() {
            guard let background = theme.background else {
                Issue.record("\(name) does not say which background it is made for (background: dark or light)")
                continue
            }
            for role in Role.all {
                let needed = Self.marks.contains(role) ? 3.0 : 4.5
                let ratio = Contrast.ratio(of: theme.style(role), on: background)
                #expect(ratio >= needed, "\(name) \(role.name): \(ratio) on \(background), needs \(needed)")
            }
        }
    }

    /// The light theme paints its own background: on a terminal whose background is unknown (or dark) its black
    /// text never lands on black.
    @Test func aLightThemePaintsItsOwnBackground() {
        for (name, theme) in Self.shipped() where theme.background == .light {
            for role in Role.all {
                let style = theme.style(role)
                let background = style.reverse ? style.fg : style.bg
                #expect(background != .default, "\(name) \(role.name) draws on the terminal's own background")
            }
        }
    }

    @Test func theContrastFormulaMatchesWCAGsExamples() {
        #expect(abs(Contrast.ratio((0, 0, 0), (255, 255, 255)) - 21) < 0.01)
        #expect(abs(Contrast.ratio((255, 255, 255), (255, 255, 255)) - 1) < 0.01)
        // #767676 on white is the lightest grey that passes 4.5:1.
        #expect(Contrast.ratio((0x76, 0x76, 0x76), (255, 255, 255)) >= 4.5)
        #expect(Contrast.ratio((0x77, 0x77, 0x77), (255, 255, 255)) < 4.5)
    }
}
