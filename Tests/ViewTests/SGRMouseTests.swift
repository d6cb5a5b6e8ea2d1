import Testing
import TFDriftCore
@testable import TFDriftTerminal

/// Mouse reports in SGR mode, as ncurses hands them over inside tmux (one key per character).
struct SGRMouseTests {
    static func keys(_ text: String) -> [Key] {
        text.map { $0 == "\u{1B}" ? Key.escape : .character($0) }
    }

    @Test func aClickBeyondColumn223IsReported() {
        var decoder = SGRMouseDecoder()
        // X10 encodes a column as one byte (32 + column), so 223 is its last; SGR writes the number.
        #expect(decoder.decode(Self.keys("\u{1B}[<0;301;12M\u{1B}[<0;301;12m"), at: 0) == [.mouse(MouseEvent(.click, x: 300, y: 11))])
    }

    @Test func twoPressesOnOneCellSoonAreADoubleClickAndTheWheelScrolls() {
        var decoder = SGRMouseDecoder()
        #expect(decoder.decode(Self.keys("\u{1B}[<0;5;6M"), at: 10) == [.mouse(MouseEvent(.click, x: 4, y: 5))])
        #expect(decoder.decode(Self.keys("\u{1B}[<0;5;6m\u{1B}[<0;5;6M"), at: 10.2) == [.mouse(MouseEvent(.doubleClick, x: 4, y: 5))])
        // Too late for a double click, or on another cell: a click.
        #expect(decoder.decode(Self.keys("\u{1B}[<0;5;6M"), at: 11) == [.mouse(MouseEvent(.click, x: 4, y: 5))])
        #expect(decoder.decode(Self.keys("\u{1B}[<0;6;6M"), at: 11.1) == [.mouse(MouseEvent(.click, x: 5, y: 5))])
        #expect(decoder.decode(Self.keys("\u{1B}[<64;1;1M\u{1B}[<65;1;1M"), at: 12) == [
            .mouse(MouseEvent(.wheelUp, x: 0, y: 0)), .mouse(MouseEvent(.wheelDown, x: 0, y: 0)),
        ])
        // Other buttons and motion are not the dashboard's.
        #expect(decoder.decode(Self.keys("\u{1B}[<2;5;6M\u{1B}[<32;5;6M\u{1B}[<1;5;6M"), at: 13).isEmpty)
    }

    @Test func keysThatAreNotAReportGoOnAsTyped() {
        var decoder = SGRMouseDecoder()
        #expect(decoder.decode([.escape], at: 0) == [.escape], "Escape alone is Escape")
        #expect(decoder.decode([.escape, .character("j"), .character("q")], at: 0) == [.escape, .character("j"), .character("q")])
        #expect(decoder.decode(Self.keys("\u{1B}[x"), at: 0) == Self.keys("\u{1B}[x"))
        #expect(decoder.decode(Self.keys("\u{1B}[<0;5Xq"), at: 0) == Self.keys("\u{1B}[<0;5Xq"))
        #expect(decoder.decode([.escape, .up], at: 0) == [.escape, .up])
    }

    @Test func aReportCutBetweenTwoReadsIsJoined() {
        var decoder = SGRMouseDecoder()
        #expect(decoder.decode(Self.keys("j\u{1B}[<0;30"), at: 0) == [.character("j")])
        #expect(decoder.decode(Self.keys("0;2Mk"), at: 0) == [.mouse(MouseEvent(.click, x: 299, y: 1)), .character("k")])
    }

    @Test func hostileReportsAreDroppedOrPassedOnNeverTrapped() {
        var decoder = SGRMouseDecoder()
        // Numbers too long for a screen, zero coordinates, missing fields: no event.
        #expect(decoder.decode(Self.keys("\u{1B}[<0;999999;1M\u{1B}[<0;0;1M\u{1B}[<0;;M\u{1B}[<0;1M"), at: 0).isEmpty)
        // A report that never ends is cut at its longest and passed on as the keys it was.
        let endless = "\u{1B}[<" + String(repeating: "1", count: 40)
        let out = decoder.decode(Self.keys(endless), at: 0)
        #expect(out == Self.keys(endless))
    }
}

/// The terminal's background, from its answer to OSC 11 or from `COLORFGBG`.
struct TerminalBackgroundTests {
    @Test func answersAreReadWhateverTheirDigitsAndEnd() {
        #expect(TerminalBackground.parse(Array("\u{1B}]11;rgb:0000/0000/0000\u{7}\u{1B}[?1;2c".utf8)) == .dark)
        #expect(TerminalBackground.parse(Array("\u{1B}]11;rgb:ffff/ffff/ffff\u{1B}\\".utf8)) == .light)
        #expect(TerminalBackground.parse(Array("\u{1B}]11;rgb:fd/f6/e3\u{1B}\\".utf8)) == .light, "solarized light, two digits")
        #expect(TerminalBackground.parse(Array("\u{1B}]11;rgb:0000/2b2b/3636\u{1B}\\".utf8)) == .dark, "solarized dark")
        #expect(TerminalBackground.parse(Array("\u{1B}]11;rgb:7/7/7\u{7}".utf8)) == .light, "one digit a channel")
        // Only DA1 came back (the terminal does not answer OSC 11), or nonsense: unknown.
        #expect(TerminalBackground.parse(Array("\u{1B}[?1;2c".utf8)) == nil)
        #expect(TerminalBackground.parse(Array("\u{1B}]11;rgb:00000/0/0\u{7}".utf8)) == nil)
        #expect(TerminalBackground.parse(Array("\u{1B}]11;rgb:zz/00/00\u{7}".utf8)) == nil)
        #expect(TerminalBackground.parse([0xFF, 0xFE]) == nil)
        #expect(TerminalBackground.answeredDA1(Array("\u{1B}]11;rgb:0/0/0\u{7}\u{1B}[?62;22c".utf8)))
        #expect(!TerminalBackground.answeredDA1(Array("\u{1B}]11;rgb:0/0/0\u{7}\u{1B}[?62;2".utf8)))
    }

    @Test func colorFGBGNamesTheBackgroundLast() {
        #expect(TerminalBackground.fromColorFGBG("15;0") == .dark)
        #expect(TerminalBackground.fromColorFGBG("0;15") == .light)
        #expect(TerminalBackground.fromColorFGBG("12;default;8") == .dark)
        #expect(TerminalBackground.fromColorFGBG("default;default") == nil)
        #expect(TerminalBackground.fromColorFGBG(nil) == nil)
    }
}
