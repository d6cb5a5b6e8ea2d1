import TFDriftWire

/// What arrived: items into the panes' bounded histories, statistics and the dedupe window.
enum FeedReducer {
    static func apply(_ item: Incoming, to state: inout State, at: Double) -> [Effect] {
        state.diagnostics.messagesReceived += 1
        switch item {
        case .drift(let drift):
            state.rest.liveDrifts += 1
            let generation = state.connection.generation
            switch state.server.reconciler.live(DriftDigest(drift), generation: generation, at: at, tracking: state.settings.restEnabled) {
            case .new:
                return showLive(drift, in: &state, at: at)
            case .doubtful:
                // Maybe the late frame of an entry just read, maybe the change made again: the list decides.
                state.rest.heldLive.append(drift)
                return RestSync.requestDrifts(&state)
            }
        case .event(var event):
            event.server = state.serverIndex
            if !state.feed.keepsRawLines { event.raw = "" }
            state.feed.events.append(event)
            var known = true
            if case .other = event.topic { known = false }
            count(&state) { $0.record(kind: event.kindLabel, knownKind: known, severity: event.severity, resourceType: event.resourceType, user: event.user, at: at) }
            UIReducer.holdSelection(&state, pane: .events)
        case .stateChange(var change):
            change.server = state.serverIndex
            if !state.feed.keepsRawLines { change.raw = "" }
            state.feed.stateChanges.append(change)
            count(&state) { $0.record(kind: "state", severity: nil, resourceType: change.resourceType, at: at) }
            UIReducer.holdSelection(&state, pane: .state)
        case .stats(let server):
            state.server.reported = server
            for problem in server.problems { Problems.malformed(&state, .decode, "stats message: \(problem)") }
        case .control(let reply):
            return ConnectionReducer.apply(reply, to: &state)
        case .unknown(let type):
            if ConnectionReducer.answerQuery(&state, .reply(type: type)) { return [] }
            state.diagnostics.unknown += 1
            Problems.note(&state, .decode, "ignored unknown message type \"\(type)\"")
        case .malformed(let description):
            Problems.malformed(&state, .decode, "malformed message: \(description)")
        }
        return []
    }

    /// A live drift onto the screen, with the war room's alert when it is one.
    static func showLive(_ drift: DriftRecord, in state: inout State, at: Double) -> [Effect] {
        show(drift, in: &state, at: at)
        return KioskReducer.alert(for: drift, &state, at: at)
    }

    /// Adds a drift to the pane and its counts to the statistics: the one path for live, backfilled and history
    /// drifts alike. History is what happened before the client started: counted in the distributions, not as
    /// traffic received (total, rate, peak).
    static func show(_ drift: DriftRecord, in state: inout State, at: Double) {
        var drift = drift
        drift.server = state.serverIndex
        if !state.feed.keepsRawLines { drift.raw = "" }
        state.feed.drifts.append(drift)
        let traffic = !drift.history
        count(&state) { $0.record(kind: "drift", severity: drift.severity, resourceType: drift.resourceType, user: drift.user, at: at, traffic: traffic) }
        UIReducer.holdSelection(&state, pane: .drifts)
    }

    /// Counts an item in the totals and, with several servers, in its server's own statistics.
    static func count(_ state: inout State, _ record: (inout Statistics) -> Void) {
        record(&state.feed.stats)
        if state.isMultiServer { record(&state.server.stats) }
    }

}
