/// How many colours the terminal can show. True colours are mapped to the nearest 256-palette entry, and
/// 256-palette entries to the nearest of the 16, when the terminal cannot show them.
public enum ColorDepth: String, Sendable, CaseIterable, Comparable {
    /// Attributes only (no colours at all, `NO_COLOR`).
    case none
    case ansi16 = "16"
    case indexed256 = "256"
    case truecolor

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// What the terminal's terminfo entry says (`colors`): a direct-colour entry (`xterm-direct`) has 2^24.
    public static func fromTerminfo(colors: Int) -> ColorDepth {
        switch colors {
        case (1 << 24)...: .truecolor
        case 256...: .indexed256
        case 8...: .ansi16
        default: .none
        }
    }
}

extension TermColor {
    /// The colour as the terminal at `depth` can show it.
    public func degraded(to depth: ColorDepth) -> TermColor {
        switch (self, depth) {
        case (.default, _): return .default
        case (_, .none): return .default
        case (.ansi, _): return self
        case (.indexed, .indexed256), (.indexed, .truecolor), (.rgb, .truecolor): return self
        case (.indexed(let n), .ansi16): return Palette256.nearestANSI(Palette256.rgb(of: n))
        case (.rgb(let r, let g, let b), .indexed256): return Palette256.nearestIndexed((r, g, b))
        case (.rgb(let r, let g, let b), .ansi16): return Palette256.nearestANSI((r, g, b))
        }
    }
}

extension Style {
    public func degraded(to depth: ColorDepth) -> Style {
        var s = self
        s.fg = fg.degraded(to: depth)
        s.bg = bg.degraded(to: depth)
        return s
    }
}

extension Theme {
    /// Every colour of the theme as the terminal can show it.
    public func degraded(to depth: ColorDepth) -> Theme {
        Theme(name: name, styles: styles.mapValues { $0.degraded(to: depth) }, fallback: fallback.degraded(to: depth), background: background)
    }
}

/// The xterm 256-colour palette's geometry: 16 system colours (xterm's defaults), a 6×6×6 cube and 24 greys.
enum Palette256 {
    typealias RGB = (r: UInt8, g: UInt8, b: UInt8)

    static let system: [RGB] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    static func rgb(of index: UInt8) -> RGB {
        switch index {
        case 0..<16: return system[Int(index)]
        case 16..<232:
            let i = Int(index) - 16
            return (cubeLevels[i / 36], cubeLevels[i / 6 % 6], cubeLevels[i % 6])
        default:
            let level = UInt8(8 + (Int(index) - 232) * 10)
            return (level, level, level)
        }
    }

    static func distance(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        // Weighted for the eye's sensitivity (green most, blue least), cheap and good enough for a palette pick.
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }

    static func nearestIndexed(_ c: RGB) -> TermColor {
        let best = (16...255).min { distance(rgb(of: UInt8($0)), c) < distance(rgb(of: UInt8($1)), c) }!
        return .indexed(UInt8(best))
    }

    static func nearestANSI(_ c: RGB) -> TermColor {
        let best = (0..<16).min { distance(system[$0], c) < distance(system[$1], c) }!
        return .ansi(UInt8(best))
    }
}
