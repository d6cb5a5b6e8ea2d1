import TFDriftCore

/// A view's key hints (`j/↓ move · Esc back`), labelled from the bindings table so a rebinding cannot leave a
/// hint stale, and shortened to the room there is: the middle hints go first, the first and the way back stay.
enum KeyHints {
    static func line(_ hints: [(Command, String)], in context: BindingContext, room: Int) -> String {
        var parts = hints.compactMap { command, word in Bindings.label(of: command, in: context).map { "\($0) \(word)" } }
        func joined() -> String { parts.joined(separator: " · ") }
        while parts.count > 2, TextWidth.width(of: joined()) > room { parts.remove(at: parts.count - 2) }
        return TextWidth.width(of: joined()) <= room ? joined() : parts.last.map { TextWidth.width(of: $0) <= room ? $0 : "" } ?? ""
    }
}
