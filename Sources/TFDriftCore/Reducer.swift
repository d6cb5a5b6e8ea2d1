import TFDriftWire

/// The pure heart of the dashboard: no clocks, no randomness, no I/O. A short root: each server's actions go to
/// that server's own reducer (`ServerReducer`, on its `ServerState` alone), whose outputs the root applies with
/// the server's index; the screen's actions go to `UIReducer` and `KioskReducer`.
public enum Reducer {
    public static func reduce(_ state: inout State, _ action: Action) -> [Effect] {
        let effects = reduceAction(&state, action)
        state.refreshMatches()
        return effects
    }

    static func reduceAction(_ state: inout State, _ action: Action) -> [Effect] {
        switch action {
        case .server(let index, let inner):
            guard state.servers.indices.contains(index) else { return [] }
            return reduce(&state, server: index, inner)

        case .started, .tick:
            return reduce(&state, servers: Array(state.servers.indices), action)

        case .command(let command):
            return reduce(&state, command)

        case .key(let key):
            return KioskReducer.key(key, &state) ?? UIReducer.key(key, &state)

        case .resized(let width, let height, let pageRows):
            UIReducer.resized(&state, width: width, height: height, pageRows: pageRows)
            return []

        case .copiedToTmux(let bytes):
            state.ui.notice = Notice(.copiedToTmux(bytes: bytes), at: state.now)
            return []

        case .replayProgress(let status):
            state.ui.replay = status
            return []

        case .configurationProblems(let messages):
            for message in messages { state.noteConfigurationProblem(message) }
            return []

        case .exported(let path, let lines, let error):
            let kind: Notice.Kind = error.map { .exportFailed(path: path, reason: $0) } ?? .exported(path: path, lines: lines)
            state.ui.notice = Notice(kind, at: state.now)
            return []

        case .connectionOpened, .connectionClosed, .retryDue, .welcomeTimedOut, .received, .frameReceived, .sendFailed,
            .restResponse, .pollDue, .settingsReloaded:
            // With one server the network does not address its news; an unaddressed one is the only server's.
            return reduce(&state, server: 0, action)
        }
    }

    /// Server `index`'s action: its own reducer on its own slice, the outputs applied here with the index.
    static func reduce(_ state: inout State, server index: Int, _ action: Action) -> [Effect] {
        let serverAction: ServerAction
        switch action {
        case .connectionOpened(let generation, let at):
            state.now = max(state.now, at)
            serverAction = .opened(generation: generation, at: at)
        case .connectionClosed(let generation, let disconnection, let at, let jitter):
            state.now = max(state.now, at)
            serverAction = .closed(generation: generation, disconnection, at: at, jitter: jitter)
        case .received(let generation, let items, let at):
            state.now = max(state.now, at)
            serverAction = .received(generation: generation, items: items, at: at)
        case .frameReceived(let generation, let bytes, let at):
            let items = Ingest.items(fromFrame: bytes, receivedAt: at, keepingRaw: state.feed.keepsRawLines)
            return reduce(&state, server: index, .received(generation: generation, items: items, at: at))
        case .sendFailed(_, let message, let reason): serverAction = .sendFailed(message: message, reason: reason)
        case .retryDue(let generation): serverAction = .retryDue(generation: generation)
        case .welcomeTimedOut(let generation): serverAction = .welcomeTimedOut(generation: generation)
        case .restResponse(let request, let outcome, let at):
            state.now = max(state.now, at)
            serverAction = .rest(request, outcome, at: at)
        case .pollDue: serverAction = .pollDue
        case .settingsReloaded(let settings): serverAction = .settingsReloaded(settings)
        case .command(let command):
            switch command {
            case .setTopic, .setProvider, .retryNow, .send: serverAction = .command(command)
            case .toggleTopic(let topic):
                serverAction = .command(.setTopic(topic, subscribed: !state.servers[index].desiredTopics.contains(topic)))
            default: return reduce(&state, command)
            }
        case .started, .tick:
            // Addressed: that server's start or housekeeping alone.
            return reduce(&state, servers: [index], action)
        case .server, .key, .resized, .replayProgress, .configurationProblems, .exported, .copiedToTmux:
            // Not a server's own: as if unaddressed.
            return reduce(&state, action)
        }
        return run(&state, server: index, serverAction)
    }

    /// The start or a tick: the clock, then each of `servers` starts or keeps house.
    static func reduce(_ state: inout State, servers: [Int], _ action: Action) -> [Effect] {
        switch action {
        case .started(let at):
            state.now = at
            state.startedAt = at
            return servers.flatMap { run(&state, server: $0, .start) }
        case .tick(let at):
            state.now = max(state.now, at)
            KioskReducer.tick(&state, at: at)
            return servers.flatMap { run(&state, server: $0, .tick(at: at)) }
        default:
            return []
        }
    }

    /// Runs server `index`'s reducer and applies its outputs; with several servers its effects are addressed.
    static func run(_ state: inout State, server index: Int, _ action: ServerAction) -> [Effect] {
        let context = ServerContext(now: state.now, quitting: state.quitting, nextDriftSeq: state.feed.drifts.nextSeq)
        var step = ServerReducer.reduce(&state.servers[index], action, context)
        var effects = state.addressed(step.effects, to: index)
        // Taken out of the step so each record moves into its history without a copy of its strings.
        let outputs = step.outputs
        step.outputs = []
        for output in outputs { effects += apply(output, from: index, to: &state) }
        return effects
    }

    static func everyServer(_ state: inout State, _ action: ServerAction) -> [Effect] {
        var effects: [Effect] = []
        for index in state.servers.indices { effects += run(&state, server: index, action) }
        return effects
    }

    /// One server's output into the whole state: every record built with its server here, where it is placed.
    static func apply(_ output: ServerOutput, from server: Int, to state: inout State) -> [Effect] {
        let multi = state.isMultiServer
        func count(_ record: (inout Statistics) -> Void) {
            record(&state.feed.stats)
            if multi { record(&state.servers[server].stats) }
        }
        switch output {
        case .drift(var drift):
            drift.server = server
            if !state.feed.keepsRawLines { drift.raw = "" }
            state.feed.drifts.append(drift)
            // History is what happened before the client started: in the distributions, not traffic (total, rate).
            let traffic = !drift.history
            count { $0.record(kind: "drift", severity: drift.severity, resourceType: drift.resourceType, user: drift.user, at: drift.receivedAt, traffic: traffic) }
            UIReducer.holdSelection(&state, pane: .drifts)
            return KioskReducer.alert(for: drift, &state, at: state.now)
        case .event(var event):
            event.server = server
            if !state.feed.keepsRawLines { event.raw = "" }
            state.feed.events.append(event)
            var known = true
            if case .other = event.topic { known = false }
            count { $0.record(kind: event.kindLabel, knownKind: known, severity: event.severity, resourceType: event.resourceType, user: event.user, at: event.receivedAt) }
            UIReducer.holdSelection(&state, pane: .events)
        case .stateChange(var change):
            change.server = server
            if !state.feed.keepsRawLines { change.raw = "" }
            state.feed.stateChanges.append(change)
            count { $0.record(kind: "state", severity: nil, resourceType: change.resourceType, at: change.receivedAt) }
            UIReducer.holdSelection(&state, pane: .state)
        case .gap(let start, let end, let backfilled, let afterSeq):
            state.feed.gaps.append(Gap(start: start, end: end, backfilled: backfilled, afterSeq: afterSeq, server: server))
            if state.feed.gaps.count > RestSync.maximumGaps { state.feed.gaps.removeFirst(state.feed.gaps.count - RestSync.maximumGaps) }
        case .problem(let kind, let asLastError):
            Problems.record(&state, kind, server: server, asLastError: asLastError)
        case .count(let counter, let by):
            switch counter {
            case .messagesReceived: state.diagnostics.messagesReceived += by
            case .malformed: state.diagnostics.malformed += by
            case .unknown: state.diagnostics.unknown += by
            case .serverErrors: state.diagnostics.serverErrors += by
            case .sendFailures: state.diagnostics.sendFailures += by
            case .outboxDropped: state.diagnostics.outboxDropped += by
            case .unrequestedAcks: state.diagnostics.unrequestedAcks += by
            case .mergedLive: state.diagnostics.mergedLive += by
            case .mergedListed: state.diagnostics.mergedListed += by
            case .undecided: state.diagnostics.undecided += by
            }
        case .queryAnswered(let answer):
            state.ui.notice = Notice(.queryAnswered(answer), at: state.now)
        case .lookup(let request, let lookup):
            // Applied only while the detail that asked still waits for this server's answer about this id
            // (Esc cancels a blast radius by forgetting it: a late answer finds nobody waiting).
            switch request {
            case .driftContext(let id), .declaredResource(let id):
                guard var context = state.ui.detail?.context, context.server == server, context.lookupID == id else { return [] }
                if case .driftContext = request { context.drift = lookup } else { context.declared = lookup }
                state.ui.detail?.context = context
            case .graphImpact(let id, _), .graphDependents(let id):
                guard var blast = state.ui.detail?.blast, blast.server == server, blast.lookupID == id else { return [] }
                if case .graphImpact = request {
                    blast.impact = BlastRadius.impact(from: lookup, resource: id)
                } else {
                    blast.dependents = BlastRadius.dependents(from: lookup)
                }
                state.ui.detail?.blast = blast
            default:
                return []
            }
        }
        return []
    }

    /// Commands from keys, the palette or tests: the link's go to every server (or the one selected in the
    /// connections view), the rest to the UI.
    static func reduce(_ state: inout State, _ command: Command) -> [Effect] {
        switch command {
        case .toggleTopic(let topic):
            // One decision for every server: the first target's state says whether this subscribes or unsubscribes.
            let first = state.linkTargets.first ?? 0
            let subscribing = !state.servers[first].desiredTopics.contains(topic)
            return reduce(&state, .setTopic(topic, subscribed: subscribing))
        case .retryNow:
            // `r` says what it did: a link that is up or already connecting is left alone, and said so.
            let targets = state.linkTargets
            let down = targets.filter { index in
                switch state.servers[index].connection.phase {
                case .backingOff, .stopped: true
                default: false
                }
            }
            var effects: [Effect] = []
            for index in targets { effects += run(&state, server: index, .command(command)) }
            state.ui.notice = Notice(down.isEmpty ? .nothingToRetry(links: targets.count) : .retrying(links: down.count), at: state.now)
            return effects
        case .setTopic, .setProvider, .send:
            var effects: [Effect] = []
            for index in state.linkTargets { effects += run(&state, server: index, .command(command)) }
            return effects
        case .quit:
            state.quitting = true
            return everyServer(&state, .hangUp) + [.quit]
        default:
            return UIReducer.reduce(&state, command)
        }
    }
}
