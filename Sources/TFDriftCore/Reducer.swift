import TFDriftWire

/// The pure heart of the dashboard: no clocks, no randomness, no I/O. A short root that routes each action to
/// the child reducers that own the state it touches: `ConnectionReducer` (the link), `FeedReducer` (what
/// arrived), `RestSync` (the REST side) and `UIReducer` (how the screen looks at it).
public enum Reducer {
    public static func reduce(_ state: inout State, _ action: Action) -> [Effect] {
        switch action {
        case .server(let index, let inner):
            guard state.servers.indices.contains(index) else { return [] }
            return state.acting(as: index) { reduce(&$0, inner) }

        case .started(let at):
            state.now = at
            state.startedAt = at
            return state.eachServer { ConnectionReducer.beginConnecting(&$0) }

        case .tick(let at):
            state.now = max(state.now, at)
            KioskReducer.tick(&state, at: at)
            return state.eachServer { ConnectionReducer.housekeeping(&$0, at: at) }

        case .command(let command):
            return reduce(&state, command)

        case .key(let key):
            return KioskReducer.key(key, &state) ?? UIReducer.key(key, &state)

        case .resized(let width, let height, let pageRows):
            UIReducer.resized(&state, width: width, height: height, pageRows: pageRows)
            return []

        case .connectionOpened(let generation, let at):
            guard generation == state.connection.generation, state.connection.phase == .connecting else { return [] }
            state.now = max(state.now, at)
            state.connection.phase = .open
            state.connection.openedAt = at
            state.connection.lastFrameAt = at
            state.connection.everOpened = true
            state.connection.opens += 1
            state.connection.lastPingAt = at
            ConnectionReducer.forgetSocket(&state)
            state.rest.polling = false
            if state.rest.openGap != nil { state.rest.openGap?.end = at }
            var effects: [Effect] = [.schedule(after: state.settings.welcomeTimeout, .welcomeTimedOut(generation: generation))]
            if state.settings.restEnabled { effects.append(.fetch(.health)) }
            return effects

        case .connectionClosed(let generation, let disconnection, let at, let jitter):
            guard generation == state.connection.generation else { return [] }
            switch state.connection.phase {
            case .connecting, .open: break
            default: return []
            }
            return ConnectionReducer.connectionLost(&state, disconnection, at: at, jitter: jitter)

        case .retryDue(let generation):
            guard generation == state.connection.generation, case .backingOff = state.connection.phase else { return [] }
            return ConnectionReducer.beginConnecting(&state)

        case .welcomeTimedOut(let generation):
            guard generation == state.connection.generation, state.connection.phase == .open else { return [] }
            return ConnectionReducer.subscribeIfNeeded(&state)

        case .received(let generation, let items, let at):
            guard generation == state.connection.generation, state.connection.phase == .open else { return [] }
            state.now = max(state.now, at)
            state.connection.lastFrameAt = at
            ConnectionReducer.markHealthy(&state, at: at)
            var effects: [Effect] = []
            for item in items {
                effects += FeedReducer.apply(item, to: &state, at: at)
            }
            return effects

        case .frameReceived(let generation, let bytes, let at):
            return reduce(&state, .received(generation: generation, items: Ingest.items(fromFrame: bytes, receivedAt: at, keepingRaw: state.feed.keepsRawLines), at: at))

        case .sendFailed(_, let message, let reason):
            state.diagnostics.sendFailures += 1
            Problems.note(&state, .send, "could not send \(message.summary): \(reason)")
            return []

        case .restResponse(let request, let outcome, let at):
            state.now = max(state.now, at)
            return RestSync.apply(&state, request, outcome, at: at)

        case .pollDue:
            guard state.rest.polling, state.connection.phase != .open else { return [] }
            return RestSync.pollRound(&state)

        case .replayProgress(let status):
            state.ui.replay = status
            return []

        case .configurationProblems(let messages):
            for message in messages { state.noteConfigurationProblem(message) }
            return []

        case .settingsReloaded(let settings):
            // The link in use keeps its address and limits; the next attempt uses the new ones.
            state.pendingSettings = settings
            return []

        case .exported(let path, let lines, let error):
            let kind: Notice.Kind = error.map { .exportFailed(path: path, reason: $0) } ?? .exported(path: path, lines: lines)
            state.ui.notice = Notice(kind, at: state.now)
            return []
        }
    }

    /// Commands from keys, the palette or tests: the link's go to the connection of every server (or of the one
    /// selected in the connections view), the rest to the UI.
    static func reduce(_ state: inout State, _ command: Command) -> [Effect] {
        switch command {
        case .toggleTopic(let topic):
            // One decision for every server: the first one's state says whether this subscribes or unsubscribes.
            let first = state.linkTargets.first ?? 0
            let subscribing = !state.servers[first].desiredTopics.contains(topic)
            return reduce(&state, .setTopic(topic, subscribed: subscribing))
        case .setTopic, .setProvider, .retryNow, .send:
            var effects: [Effect] = []
            for index in state.linkTargets { effects += state.acting(as: index) { ConnectionReducer.reduce(&$0, command) } }
            return effects
        case .quit:
            state.quitting = true
            var effects: [Effect] = []
            for index in state.servers.indices { effects += state.acting(as: index) { ConnectionReducer.hangUp(&$0) } }
            return effects + [.quit]
        default:
            return UIReducer.reduce(&state, command)
        }
    }
}
