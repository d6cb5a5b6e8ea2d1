import TFDriftWire

/// The pure heart of the dashboard: no clocks, no randomness, no I/O.
public enum Reducer {
    public static func reduce(_ state: inout State, _ action: Action) -> [Effect] {
        switch action {
        case .started(let at):
            state.now = at
            state.startedAt = at
            return beginConnecting(&state)

        case .tick(let at):
            state.now = max(state.now, at)
            return housekeeping(&state, at: at)

        case .command(let command):
            return reduce(&state, command)

        case .connectionOpened(let generation, let at):
            guard generation == state.connection.generation, state.connection.phase == .connecting else { return [] }
            state.now = max(state.now, at)
            state.connection.phase = .open
            state.connection.openedAt = at
            state.connection.lastFrameAt = at
            state.connection.everOpened = true
            state.connection.lastPingAt = at
            forgetSocket(&state)
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
            return connectionLost(&state, disconnection, at: at, jitter: jitter)

        case .retryDue(let generation):
            guard generation == state.connection.generation, case .backingOff = state.connection.phase else { return [] }
            return beginConnecting(&state)

        case .welcomeTimedOut(let generation):
            guard generation == state.connection.generation, state.connection.phase == .open else { return [] }
            return subscribeIfNeeded(&state)

        case .received(let generation, let items, let at):
            guard generation == state.connection.generation, state.connection.phase == .open else { return [] }
            state.now = max(state.now, at)
            state.connection.lastFrameAt = at
            markHealthy(&state, at: at)
            var effects: [Effect] = []
            for item in items {
                effects += apply(item, to: &state, at: at)
            }
            return effects

        case .sendFailed(_, let message, let reason):
            state.diagnostics.sendFailures += 1
            noteError(&state, .send, "could not send \(message.summary): \(reason)")
            return []

        case .restResponse(let request, let outcome, let at):
            state.now = max(state.now, at)
            return RestSync.apply(&state, request, outcome, at: at)

        case .pollDue:
            guard state.rest.polling, state.connection.phase != .open else { return [] }
            return RestSync.pollRound(&state)
        }
    }

    // MARK: - Commands

    static func reduce(_ state: inout State, _ command: Command) -> [Effect] {
        switch command {
        case .toggleTopic(let topic):
            let subscribing = !state.desiredTopics.contains(topic)
            if subscribing { state.desiredTopics.insert(topic) } else { state.desiredTopics.remove(topic) }
            guard state.connection.phase == .open, state.connection.subscribed else { return [] }
            let generation = state.connection.generation
            return state.wireNames(for: topic).map { name in
                if subscribing {
                    state.connection.subscriptions[name] = .sent
                    return .send(generation: generation, .subscribe(name))
                } else {
                    state.connection.subscriptions[name] = nil
                    return .send(generation: generation, .unsubscribe(name))
                }
            }

        case .focusNext, .focusPrevious:
            let panes = Pane.allCases
            let index = panes.firstIndex(of: state.ui.focus)!
            let step = command == .focusNext ? 1 : panes.count - 1
            state.ui.focus = panes[(index + step) % panes.count]
            return []

        case .moveSelection(let delta):
            let pane = state.ui.focus
            guard let range = state.history(seqRangeOf: pane) else { return [] }
            var scroll = state.ui.scroll(of: pane)
            let current = scroll.follow ? range.newest : min(max(scroll.selected ?? range.newest, range.oldest), range.newest)
            let target = min(max(current - delta, range.oldest), range.newest)
            if scroll.follow { scroll.top = range.newest }  // freeze the view where it is
            scroll.selected = target
            scroll.follow = target == range.newest && delta < 0
            if scroll.follow { scroll.top = nil }
            state.ui.scroll[pane] = scroll
            return []

        case .jumpNewest:
            state.ui.scroll[state.ui.focus] = PaneScroll(follow: true, selected: nil)
            return []

        case .jumpOldest:
            let pane = state.ui.focus
            guard let range = state.history(seqRangeOf: pane) else { return [] }
            state.ui.scroll[pane] = PaneScroll(follow: false, selected: range.oldest)
            return []

        case .toggleHelp:
            state.ui.showHelp.toggle()
            return []

        case .retryNow:
            switch state.connection.phase {
            case .backingOff, .stopped:
                state.connection.attempt = 0
                return beginConnecting(&state)
            default:
                return []
            }

        case .send(let message):
            if state.connection.phase == .open, state.connection.subscribed {
                if message == .ping { notePingSent(&state) }
                return [.send(generation: state.connection.generation, message)]
            }
            state.connection.outbox.append(message)
            if state.connection.outbox.count > state.settings.outboxLimit {
                state.connection.outbox.removeFirst(state.connection.outbox.count - state.settings.outboxLimit)
                state.diagnostics.outboxDropped += 1
            }
            return []

        case .quit:
            state.quitting = true
            var effects: [Effect] = []
            if state.connection.phase == .open || state.connection.phase == .connecting {
                effects.append(.disconnect(generation: state.connection.generation))
            }
            effects.append(.quit)
            return effects
        }
    }

    // MARK: - Connection

    static func beginConnecting(_ state: inout State) -> [Effect] {
        state.connection.generation += 1
        state.connection.phase = .connecting
        forgetSocket(&state)
        return [.connect(generation: state.connection.generation, url: state.settings.url)]
    }

    /// What the server knew about the last socket (dialect, subscriptions, a pending ping) dies with it.
    static func forgetSocket(_ state: inout State) {
        state.connection.dialect = nil
        state.connection.subscribed = false
        state.connection.pingSentAt = nil
        state.connection.subscriptions = [:]
    }

    /// Once per socket, before anything else: the desired subscriptions in a fixed topic order and the provider
    /// filter (the server forgets both on disconnect), then what waited in the outbox, in order, then the
    /// REST backfill of whatever the interruption cost.
    static func subscribeIfNeeded(_ state: inout State) -> [Effect] {
        guard !state.connection.subscribed else { return [] }
        state.connection.subscribed = true
        let generation = state.connection.generation
        var effects: [Effect] = []
        for topic in state.desiredTopics.sorted() {
            for name in state.wireNames(for: topic) where state.connection.subscriptions[name] == nil {
                state.connection.subscriptions[name] = .sent
                effects.append(.send(generation: generation, .subscribe(name)))
            }
        }
        if let provider = state.settings.provider {
            effects.append(.send(generation: generation, .filter(provider: provider)))
        }
        effects += state.connection.outbox.map { .send(generation: generation, $0) }
        if state.connection.outbox.contains(.ping) { notePingSent(&state) }
        state.connection.outbox.removeAll()
        if state.settings.restEnabled { effects += RestSync.requestDrifts(&state) }
        return effects
    }

    // MARK: - Losing and keeping the connection

    /// The retry policy: what a failure means decides how long to wait and whether to wait at all.
    static func connectionLost(_ state: inout State, _ d: Disconnection, at: Double, jitter: Double) -> [Effect] {
        state.now = max(state.now, at)
        if state.connection.phase == .open, state.rest.openGap == nil {
            state.rest.openGap = OpenGap(start: at, afterSeq: state.feed.drifts.nextSeq)
            state.rest.gapBackfilled = 0
        }
        state.connection.lastCloseReason = d.message
        state.connection.openedAt = nil
        forgetSocket(&state)
        if state.quitting { return [] }
        switch d.httpStatus {
        case 401:
            state.connection.phase = .stopped("HTTP 401 on upgrade: the server wants credentials (set a token with --header); press r to retry")
            return []
        case 403:
            state.connection.phase = .stopped("HTTP 403 on upgrade: forbidden; check credentials, and that no Origin is sent or it is in ALLOWED_ORIGINS; press r to retry")
            return []
        default:
            break
        }
        if let max = state.settings.maxRetries, state.connection.attempt >= max {
            state.connection.phase = .stopped("gave up after \(max) retries: \(d.message)")
            return []
        }
        let policy = state.settings.backoff
        var delay = policy.delay(attempt: state.connection.attempt, jitter: jitter)
        var effects: [Effect] = []
        switch d.httpStatus {
        case 404, 500, 501, 502, 503:
            // The WebSocket endpoint is unavailable (upstream 0.14 answers every upgrade with 500):
            // stay live by polling REST, and keep trying the WebSocket at the capped delay.
            delay = policy.cap
            if state.settings.restEnabled && !state.rest.polling {
                state.rest.polling = true
                effects += RestSync.pollRound(&state)
            }
        case 429:
            delay = max(delay, honoured(d.retryAfter, &state) ?? policy.base)
        default:
            if let retryAfter = honoured(d.retryAfter, &state) { delay = max(delay, retryAfter) }
        }
        state.connection.attempt += 1
        state.connection.phase = .backingOff(until: at + delay)
        effects.insert(.schedule(after: delay, .retryDue(generation: state.connection.generation)), at: 0)
        return effects
    }

    /// A server's `Retry-After`, at most `maximumRetryAfter`; a longer one is cut and the close reason says so.
    static func honoured(_ retryAfter: Double?, _ state: inout State) -> Double? {
        guard let retryAfter else { return nil }
        let ceiling = state.settings.maximumRetryAfter
        guard !(retryAfter <= ceiling) else { return max(0, retryAfter) }
        state.connection.lastCloseReason = (state.connection.lastCloseReason ?? "")
            + " · Retry-After beyond \(Checked.clamped(ceiling, to: 0...Int(Int32.max))) s: waiting that long instead"
        return ceiling
    }

    /// An application ping is on its way; its pong will give the round trip.
    static func notePingSent(_ state: inout State) {
        state.connection.lastPingAt = state.now
        state.connection.pingSentAt = state.now
    }

    /// A connection open long enough counts as healthy: only then does the attempt counter reset, so a
    /// server that accepts and drops at once still backs off.
    static func markHealthy(_ state: inout State, at: Double) {
        if state.connection.attempt > 0, let opened = state.connection.openedAt, at - opened >= state.settings.healthyAfter {
            state.connection.attempt = 0
        }
    }

    /// Once a second: healthy reset, application ping, the dead-connection watchdog and the stats poll.
    static func housekeeping(_ state: inout State, at: Double) -> [Effect] {
        markHealthy(&state, at: at)
        var effects: [Effect] = []
        let c = state.connection
        if c.phase == .open, let last = c.lastFrameAt, at - last > state.settings.watchdog {
            let generation = c.generation
            // Deterministic spread instead of randomness: the reducer stays pure.
            let jitter = (Double(generation) * 0.618_034).truncatingRemainder(dividingBy: 1)
            let silence = Checked.clamped(state.settings.watchdog.rounded(), to: 0...Int(Int32.max))
            effects.append(.abort(generation: generation))
            effects += connectionLost(&state, Disconnection("no frame for \(silence) s: connection presumed dead"), at: at, jitter: jitter)
            return effects
        }
        if c.phase == .open, c.subscribed, at - (c.lastPingAt ?? 0) >= state.settings.pingInterval {
            notePingSent(&state)
            effects.append(.send(generation: c.generation, .ping))
        }
        if state.settings.restEnabled, at - (state.rest.lastStatsRequest ?? -.infinity) >= state.settings.statsInterval {
            state.rest.lastStatsRequest = at
            effects.append(.fetch(.stats))
        }
        return effects
    }

    // MARK: - Incoming data

    static func apply(_ item: Incoming, to state: inout State, at: Double) -> [Effect] {
        state.diagnostics.messagesReceived += 1
        switch item {
        case .drift(let drift):
            let key = DriftDigest(drift)
            state.rest.liveDrifts += 1
            // Already shown by a backfill that overlapped the reconnect: never show a drift twice.
            guard !state.feed.driftKeys.cameFromBackfill(key) else { return [] }
            show(drift, key: key, in: &state, at: at)
        case .event(let event):
            state.feed.events.append(event)
            let type = event.resource.split(separator: " ").first.map(String.init) ?? ""
            let resourceType = type.split(separator: ".").first.map(String.init) ?? type
            var known = true
            if case .other = event.topic { known = false }
            state.feed.stats.record(kind: event.kindLabel, knownKind: known, severity: event.severity, resourceType: resourceType, at: at)
            holdSelection(&state, pane: .events)
        case .stateChange(let change):
            state.feed.stateChanges.append(change)
            let resourceType = change.resource.split(whereSeparator: { $0 == "." || $0 == " " }).first.map(String.init) ?? ""
            state.feed.stats.record(kind: "state", severity: nil, resourceType: resourceType, at: at)
            holdSelection(&state, pane: .state)
        case .stats(let server):
            state.feed.stats.server = server
            for problem in server.problems { noteMalformed(&state, .decode, "stats message: \(problem)") }
        case .control(let reply):
            return apply(reply, to: &state)
        case .unknown(let type):
            state.diagnostics.unknown += 1
            state.diagnostics.lastError = "ignored unknown message type \"\(type)\""
            state.diagnostics.lastErrorAt = state.now
        case .malformed(let description):
            state.diagnostics.malformed += 1
            noteError(&state, .decode, "malformed message: \(description)")
        }
        return []
    }

    static func apply(_ reply: ControlReply, to state: inout State) -> [Effect] {
        switch reply {
        case .welcome(let dialect, let version, _):
            if state.connection.dialect == nil && !state.connection.subscribed {
                state.connection.dialect = dialect
            }
            state.connection.serverVersion = version
            return subscribeIfNeeded(&state)
        case .subscribed(let topic):
            state.connection.subscriptions[topic] = .acknowledged
        case .unsubscribed(let topic):
            if state.connection.subscriptions[topic] == .acknowledged || state.connection.subscriptions[topic] == .sent {
                // Only forget it if no desired topic still wants it.
                let wanted = state.desiredTopics.contains { state.wireNames(for: $0).contains(topic) }
                if !wanted { state.connection.subscriptions[topic] = nil }
            }
        case .filterSet:
            break
        case .pong:
            if let sent = state.connection.pingSentAt {
                state.connection.roundTrip = max(0, state.now - sent)
                state.connection.pingSentAt = nil
            }
        case .error(let message):
            state.diagnostics.serverErrors += 1
            noteError(&state, .server, "server: \(message)")
        }
        return []
    }

    /// Adds a drift to the pane, its key to the dedupe window and its counts to the statistics: the one path
    /// for live and backfilled drifts alike.
    static func show(_ drift: DriftRecord, key: DriftDigest, in state: inout State, at: Double) {
        state.feed.driftKeys.insert(key, backfill: drift.backfilled)
        state.feed.drifts.append(drift)
        state.feed.stats.record(kind: "drift", severity: drift.severity, resourceType: drift.resourceType, at: at)
        holdSelection(&state, pane: .drifts)
    }

    /// A pane that is not following keeps its selected item; if that item fell off the bounded history,
    /// the selection moves to the oldest retained one.
    static func holdSelection(_ state: inout State, pane: Pane) {
        guard var scroll = state.ui.scroll[pane], !scroll.follow, let selected = scroll.selected,
            let range = state.history(seqRangeOf: pane), selected < range.oldest
        else { return }
        scroll.selected = range.oldest
        state.ui.scroll[pane] = scroll
    }

    /// Records a problem for the status bar and `tail`; `message` is already sanitised.
    /// Data that arrived but could not be believed (a total of 1e300, a negative page): counted as malformed.
    static func noteMalformed(_ state: inout State, _ source: Problem.Source, _ message: String) {
        state.diagnostics.malformed += 1
        noteError(&state, source, message)
    }

    static func noteError(_ state: inout State, _ source: Problem.Source, _ message: String) {
        state.diagnostics.lastError = message
        state.diagnostics.lastErrorAt = state.now
        state.diagnostics.problems.append(Problem(at: state.now, source: source, message: message))
    }
}
