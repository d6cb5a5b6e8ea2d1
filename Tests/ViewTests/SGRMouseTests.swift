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
