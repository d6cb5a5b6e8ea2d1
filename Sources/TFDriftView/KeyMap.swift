import TFDriftCore
import TFDriftWire

/// A key press, independent of the terminal library that read it.
public enum Key: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end, tab, backTab, enter, escape
    case resize
    case other(Int)
}

/// Maps keys to commands. Page sizes come from the layout, so PgDn moves exactly one screenful.
public enum KeyMap {
    public static func command(for key: Key, state: State, size: Size) -> Command? {
        if state.ui.showHelp {
            return key == .resize ? nil : .toggleHelp
        }
        let page = Layout.compute(size)?.listRows(state.ui.focus) ?? 10
        switch key {
        case .character(let ch):
            switch ch {
            case "1": return .toggleTopic(.all)
            case "2": return .toggleTopic(.drifts)
            case "3": return .toggleTopic(.events)
            case "4": return .toggleTopic(.state)
            case "5": return .toggleTopic(.stats)
            case "j": return .moveSelection(1)
            case "k": return .moveSelection(-1)
            case "g": return .jumpOldest
            case "G": return .jumpNewest
            case "?", "h": return .toggleHelp
            case "r": return .retryNow
            case "p": return .send(.ping)
            case "q", "Q": return .quit
            case " ": return .moveSelection(page)
            default: return nil
            }
        case .down: return .moveSelection(1)
        case .up: return .moveSelection(-1)
        case .pageDown: return .moveSelection(page)
        case .pageUp: return .moveSelection(-page)
        case .home: return .jumpOldest
        case .end: return .jumpNewest
        case .tab, .right: return .focusNext
        case .backTab, .left: return .focusPrevious
        case .escape: return .jumpNewest
        default: return nil
        }
    }
}
