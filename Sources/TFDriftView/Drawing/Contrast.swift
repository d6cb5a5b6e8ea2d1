#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// WCAG 2 contrast between what a role draws and what it draws on, from the colours a theme names: the 16 system
/// colours and the terminal's default foreground and background as xterm's defaults (a theme that uses them
/// follows the user's palette; xterm's is the one reference every terminal starts from).
public enum Contrast {
    public typealias RGB = (r: UInt8, g: UInt8, b: UInt8)

    /// The background a theme is drawn on, and the foreground a terminal pairs with it.
    public enum Background: String, Sendable, CaseIterable {
        case dark, light

        var color: RGB { self == .dark ? (0, 0, 0) : (255, 255, 255) }
        /// xterm's default foreground on that background (ANSI 7 on black, black on white).
        var foreground: RGB { self == .dark ? (229, 229, 229) : (0, 0, 0) }
    }

    /// The relative luminance of a colour (WCAG 2.x, sRGB).
    public static func luminance(_ c: RGB) -> Double {
        func channel(_ v: UInt8) -> Double {
            let s = Double(v) / 255
            return s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
    }

    /// 1…21.
    public static func ratio(_ a: RGB, _ b: RGB) -> Double {
        let (la, lb) = (luminance(a), luminance(b))
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    static func rgb(_ color: TermColor, default fallback: RGB) -> RGB {
        switch color {
        case .default: fallback
        case .ansi(let i): Palette256.rgb(of: i)
        case .indexed(let i): Palette256.rgb(of: i)
        case .rgb(let r, let g, let b): (r, g, b)
        }
    }

    /// The colours a style puts on screen over `background`: reverse swaps them; dim is drawn by most terminals at
    /// about half intensity, so it mixes the foreground halfway towards what it is drawn on.
    public static func drawn(_ style: Style, on background: Background) -> (fg: RGB, bg: RGB) {
        var fg = rgb(style.fg, default: background.foreground)
        var bg = rgb(style.bg, default: background.color)
        if style.reverse { swap(&fg, &bg) }
        if style.dim {
            fg = (UInt8((Int(fg.r) + Int(bg.r)) / 2), UInt8((Int(fg.g) + Int(bg.g)) / 2), UInt8((Int(fg.b) + Int(bg.b)) / 2))
        }
        return (fg, bg)
    }

    public static func ratio(of style: Style, on background: Background) -> Double {
        let colors = drawn(style, on: background)
        return ratio(colors.fg, colors.bg)
    }
}
