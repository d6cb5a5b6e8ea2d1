import TFDriftWire

/// The link to the server: connecting, subscribing, the retry policy, heartbeat and watchdog, control replies,
/// and the commands that act on the link. One instance of its state per server.
enum ConnectionReducer {
    static func reduce(_ state: inout ServerScope, _ command: Command) -> [Effect] {
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

        case .setTopic(let topic, let subscribed):
            guard state.desiredTopics.contains(topic) != subscribed else { return [] }
            return reduce(&state, .toggleTopic(topic))

        case .setProvider(let name):
            let provider = String(name.prefix(64))
            state.settings.provider = provider.isEmpty ? nil : provider
            return reduce(&state, .send(.filter(provider: provider)))

        case .retryNow:
            switch state.connection.phase {
            case .backingOff, .stopped:
                state.connection.attempt = 0
                return beginConnecting(&state)
            default:
                return []
            }

        case .send(let message):
            if case .query(let json) = message { state.connection.query = QueryExchange(request: json.jsonText, sentAt: state.now) }
            if state.connection.phase == .open, state.connection.subscribed {
                if message == .ping { notePingSent(&state) }
                noteAsked(&state, message)
                return [.send(generation: state.connection.generation, message)]
            }
            state.connection.outbox.append(message)
            if state.connection.outbox.count > state.settings.outboxLimit {
                state.connection.outbox.removeFirst(state.connection.outbox.count - state.settings.outboxLimit)
                state.count(.outboxDropped)
            }
            return []

        default:
            return []
        }
    }

    /// Quitting: a socket that is open (or opening) is closed properly.
    static func hangUp(_ state: inout ServerScope) -> [Effect] {
        guard state.connection.phase == .open || state.connection.phase == .connecting else { return [] }
        return [.disconnect(generation: state.connection.generation)]
    }

    static func beginConnecting(_ state: inout ServerScope) -> [Effect] {
        if let pending = state.pendingSettings {
            state.pendingSettings = nil
            // The history's capacity is fixed at start; everything else is taken as the file now says.
            var settings = pending
            settings.historyLimit = state.settings.historyLimit
            state.settings = settings
            state.connection.url = settings.url
        }
        state.connection.generation += 1
        state.connection.phase = .connecting
        forgetSocket(&state)
        return [.connect(generation: state.connection.generation, url: state.settings.url)]
    }

    /// What the server knew about the last socket (dialect, subscriptions, a pending ping) dies with it.
    static func forgetSocket(_ state: inout ServerScope) {
        state.connection.dialect = nil
        state.connection.subscribed = false
        state.connection.pingSentAt = nil
        state.connection.subscriptions = [:]
    }

    /// Once per socket, before anything else: the desired subscriptions in a fixed topic order and the provider
    /// filter (the server forgets both on disconnect), then what waited in the outbox, in order, then the
    /// REST backfill of whatever the interruption cost.
    static func subscribeIfNeeded(_ state: inout ServerScope) -> [Effect] {
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
        for message in state.connection.outbox { noteAsked(&state, message) }
        state.connection.outbox.removeAll()
        if state.settings.restEnabled { effects += RestSync.requestDrifts(&state) }
        return effects
    }

    // MARK: - Losing and keeping the connection

    /// The retry policy: what a failure means decides how long to wait and whether to wait at all.
    static func connectionLost(_ state: inout ServerScope, _ d: Disconnection, at: Double, jitter: Double) -> [Effect] {
        state.now = max(state.now, at)
        if state.connection.phase == .open, state.rest.openGap == nil {
            state.rest.openGap = OpenGap(start: at, afterSeq: state.nextDriftSeq)
            state.rest.gapBackfilled = 0
        }
        state.connection.lastCloseReason = d.message
        state.connection.openedAt = nil
        forgetSocket(&state)
        if state.quitting { return [] }
        state.log(.linkLost(d.message))
        if d.certificateRejected {
            // Like a 401: retrying will not make the certificate trusted.
            state.connection.phase = .stopped(.certificate(d.message))
            return []
        }
        if d.proxyRefused {
            state.connection.phase = .stopped(.proxy(d.message))
            return []
        }
        switch d.httpStatus {
        case 401:
            state.connection.phase = .stopped(.unauthorized(credential: state.settings.credential))
            return []
        case 403:
            state.connection.phase = .stopped(.forbidden(credential: state.settings.credential))
            return []
        default:
            break
        }
        if let max = state.settings.maxRetries, state.connection.attempt >= max {
            state.connection.phase = .stopped(.gaveUp(retries: max, lastError: d.message))
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
    static func honoured(_ retryAfter: Double?, _ state: inout ServerScope) -> Double? {
        guard let retryAfter else { return nil }
        let ceiling = state.settings.maximumRetryAfter
        guard !(retryAfter <= ceiling) else { return max(0, retryAfter) }
        state.connection.lastCloseReason = (state.connection.lastCloseReason ?? "")
            + " · Retry-After beyond \(Checked.clamped(ceiling, to: 0...Int(Int32.max))) s: waiting that long instead"
        return ceiling
    }

    /// An application ping is on its way; its pong will give the round trip.
    static func notePingSent(_ state: inout ServerScope) {
        state.connection.lastPingAt = state.now
        state.connection.pingSentAt = state.now
    }

    /// A connection open long enough counts as healthy: only then does the attempt counter reset, so a
    /// server that accepts and drops at once still backs off.
    static func markHealthy(_ state: inout ServerScope, at: Double) {
        if state.connection.attempt > 0, let opened = state.connection.openedAt, at - opened >= state.settings.healthyAfter {
            state.connection.attempt = 0
        }
    }

    /// Once a second: healthy reset, application ping, the dead-connection watchdog and the stats poll.
    static func housekeeping(_ state: inout ServerScope, at: Double) -> [Effect] {
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
        if let query = c.query, query.answer == nil, c.phase == .open,
            at - max(query.sentAt, c.openedAt ?? query.sentAt) >= Palette.queryTimeout
        {
            _ = answerQuery(&state, .none)
        }
        if state.settings.restEnabled, at - (state.rest.lastStateRequest ?? -.infinity) >= state.settings.stateInterval {
            state.rest.lastStateRequest = at
            effects.append(.fetch(.terraformState))
        }
        // Readiness while the server can be read at all (open, or polled): a blind server looks like a quiet one.
        if state.settings.restEnabled, c.phase == .open || state.rest.polling,
            at - (state.rest.lastHealthRequest ?? -.infinity) >= state.settings.healthInterval
        {
            state.rest.lastHealthRequest = at
            effects.append(.fetch(.health))
        }
        if state.settings.restEnabled, at - (state.rest.lastStatsRequest ?? -.infinity) >= state.settings.statsInterval {
            state.rest.lastStatsRequest = at
            effects.append(.fetch(.stats))
        }
        return effects
    }

    static func apply(_ reply: ControlReply, to state: inout ServerScope) -> [Effect] {
        switch reply {
        case .welcome(let dialect, let version, _):
            if state.connection.dialect == nil && !state.connection.subscribed {
                state.connection.dialect = dialect
            }
            state.connection.serverVersion = version
            return subscribeIfNeeded(&state)
        case .subscribed(let topic):
            guard state.connection.subscriptions[topic] != nil else {
                unrequestedAcknowledgement(&state, topic)
                return []
            }
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
            // The first error after a query is its answer (the real server's "Query not implemented yet"):
            // the server's word, not a fault of the link.
            if answerQuery(&state, .error(message)) { return [] }
            state.count(.serverErrors)
            state.note(.serverError(message))
        }
        return []
    }

    /// A subscription the operator typed (`:send subscribe x`) is asked for like the desired ones, so its
    /// acknowledgement is expected.
    static func noteAsked(_ state: inout ServerScope, _ message: ClientMessage) {
        if case .subscribe(let name) = message, state.connection.subscriptions[name] == nil {
            state.connection.subscriptions[name] = .sent
        }
    }

    /// An acknowledgement of a topic this socket never asked for is dropped, not stored: what a server may
    /// acknowledge is its to choose, and storing each one let a flood grow the table (and the cost of every
    /// snapshot of it) without bound. Counted, and reported at 1, 10, 100… so the problem log stays small.
    static func unrequestedAcknowledgement(_ state: inout ServerScope, _ topic: String) {
        state.server.unrequestedAcks += 1
        state.count(.unrequestedAcks)
        let count = state.server.unrequestedAcks
        var power = 1
        while power < count, power <= Int.max / 10 { power *= 10 }
        guard power == count else { return }
        let what = count == 1 ? "a topic" : "\(count) topics"
        state.note(.unaskedAcknowledgement(what: what, topic: topic))
    }

    /// Records `answer` for a query still waiting for one; false when none is waiting.
    static func answerQuery(_ state: inout ServerScope, _ answer: QueryExchange.Answer) -> Bool {
        guard state.connection.query != nil, state.connection.query?.answer == nil else { return false }
        let now = state.now
        state.connection.query?.answer = answer
        state.connection.query?.answeredAt = now
        state.output(.queryAnswered(answer))
        return true
    }

    /// A message type the client does not know: the answer to a query waiting for one, else counted and noted.
    static func unknownMessage(_ type: String, _ state: inout ServerScope) {
        if answerQuery(&state, .reply(type: type)) { return }
        state.count(.unknown)
        state.note(.unknownMessageType(type))
    }
}
