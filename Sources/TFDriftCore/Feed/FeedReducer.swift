import TFDriftWire

/// What arrived: items for the merged panes (as outputs the root applies with the server's index), the server's
/// own reports, and the live drifts' place against the server's list.
enum FeedReducer {
    static func apply(_ item: Incoming, to state: inout ServerScope, at: Double) {
        switch item {
        case .drift(let drift):
            state.rest.liveDrifts += 1
            switch state.server.reconciler.live(DriftDigest(drift), at: at, tracking: state.settings.restEnabled) {
            case .new:
                state.output(.drift(drift))
            case .doubtful:
                // Maybe the late frame of an entry just read, maybe the change made again: the list decides
                // (the server reducer asks for it once the frame is done).
                state.rest.heldLive.append(drift)
            }
        case .event(let event):
            state.output(.event(event))
        case .stateChange(let change):
            state.output(.stateChange(change))
        case .stats(let server):
            state.server.reported = server
            for problem in server.problems { state.malformed(.malformedStats(problem)) }
        case .malformed(let description):
            state.malformed(.malformedMessage(description))
        case .control, .unknown:
            break  // the link's: ConnectionReducer
        }
    }
}
