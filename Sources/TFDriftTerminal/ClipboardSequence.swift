import TFDriftWire

/// OSC 52, the escape sequence that sets the clipboard of the terminal the user sits at, wherever the program
/// runs: it travels through ssh, and tmux takes it into its paste buffer (and on to the outer terminal) with
/// `set-clipboard on`. The payload is Base64, so nothing in the copied text can end the sequence early or reach
/// the terminal as a control.
public enum ClipboardSequence {
    public static func osc52(_ text: String) -> [UInt8] {
        Array("\u{1B}]52;c;".utf8) + Base64.encode(Array(text.utf8)) + [0x07]
    }
}
