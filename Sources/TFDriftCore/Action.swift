import TFDriftWire

/// What the operator asked for, from the keyboard.
public enum Command: Sendable, Equatable {
    case toggleTopic(Topic)
    case focusNext
    case focusPrevious
    /// Moves the selection in the focused pane; positive is older (down the list).
    case moveSelection(Int)
    case jumpNewest
    case jumpOldest
    case toggleHelp
    case retryNow
    case quit
}

/// Everything that can change the state. Time and randomness arrive inside actions, never read by the reducer.
public enum Action: Sendable, Equatable {
    case started(at: Double)
    case command(Command)
    case tick(at: Double)
    case connectionOpened(generation: Int, at: Double)
    /// The socket could not be opened or was closed; `jitter` in `[0, 1)` spreads the next retry.
    case connectionClosed(generation: Int, reason: String, at: Double, jitter: Double)
    case received(generation: Int, items: [Incoming], at: Double)
    case sendFailed(generation: Int, message: ClientMessage, reason: String)
    case retryDue(generation: Int)
    case welcomeTimedOut(generation: Int)
}

/// Work for the effect runners. Data, so tests can assert on exactly what would happen.
public enum Effect: Sendable, Equatable {
    case connect(generation: Int, url: String)
    case send(generation: Int, ClientMessage)
    case disconnect(generation: Int)
    case schedule(after: Double, Action)
    case quit
}
