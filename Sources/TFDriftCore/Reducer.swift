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
            return []

        case .command(let command):
            return reduce(&state, command)

        case .connectionOpened(let generation, let at):
            guard generation == state.connection.generation, state.connection.phase == .connecting else { return [] }
            state.now = max(state.now, at)
            state.connection.phase = .open
            state.connection.openedAt = at
            state.connection.lastFrameAt = at
            state.connection.everOpened = true
            state.connection.attempt = 0
            state.connection.dialect = nil
            state.connection.subscribed = false
            state.subscriptions = [:]
            return [.schedule(after: state.settings.welcomeTimeout, .welcomeTimedOut(generation: generation))]

        case .connectionClosed(let generation, let reason, let at, let jitter):
            guard generation == state.connection.generation else { return [] }
            switch state.connection.phase {
            case .connecting, .open: break
            default: return []
            }
            state.now = max(state.now, at)
            state.connection.lastCloseReason = reason
            state.connection.openedAt = nil
            state.subscriptions = [:]
            state.connection.subscribed = false
            if state.quitting { return [] }
            if let max = state.settings.maxRetries, state.connection.attempt >= max {
                state.connection.phase = .stopped("gave up after \(max) retries: \(reason)")
                return []
            }
            let delay = state.settings.backoff.delay(attempt: state.connection.attempt, jitter: jitter)
            state.connection.attempt += 1
            state.connection.phase = .backingOff(until: at + delay)
            return [.schedule(after: delay, .retryDue(generation: generation))]

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
            var effects: [Effect] = []
            for item in items {
                effects += apply(item, to: &state, at: at)
            }
            return effects

        case .sendFailed(_, let message, let reason):
            state.diagnostics.sendFailures += 1
            noteError(&state, "could not send \(message.summary): \(reason)")
            return []
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
                    state.subscriptions[name] = .sent
                    return .send(generation: generation, .subscribe(name))
                } else {
                    state.subscriptions[name] = nil
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
            scroll.selected = target
            scroll.follow = target == range.newest && delta < 0
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
        state.connection.dialect = nil
        state.connection.subscribed = false
        state.subscriptions = [:]
        return [.connect(generation: state.connection.generation, url: state.settings.url)]
    }

    /// Sends the desired subscriptions once per socket, in a fixed topic order.
    static func subscribeIfNeeded(_ state: inout State) -> [Effect] {
        guard !state.connection.subscribed else { return [] }
        state.connection.subscribed = true
        let generation = state.connection.generation
        var effects: [Effect] = []
        for topic in state.desiredTopics.sorted() {
            for name in state.wireNames(for: topic) where state.subscriptions[name] == nil {
                state.subscriptions[name] = .sent
                effects.append(.send(generation: generation, .subscribe(name)))
            }
        }
        return effects
    }

    // MARK: - Incoming data

    static func apply(_ item: Incoming, to state: inout State, at: Double) -> [Effect] {
        state.diagnostics.messagesReceived += 1
        switch item {
        case .drift(let drift):
            state.drifts.append(drift)
            state.stats.record(kind: "drift", severity: drift.severity, resourceType: drift.resourceType, at: at)
            holdSelection(&state, pane: .drifts)
        case .event(let event):
            state.events.append(event)
            let type = event.resource.split(separator: " ").first.map(String.init) ?? ""
            let resourceType = type.split(separator: ".").first.map(String.init) ?? type
            state.stats.record(kind: event.kindLabel, severity: event.severity, resourceType: resourceType, at: at)
            holdSelection(&state, pane: .events)
        case .stateChange(let change):
            state.stateChanges.append(change)
            let resourceType = change.resource.split(whereSeparator: { $0 == "." || $0 == " " }).first.map(String.init) ?? ""
            state.stats.record(kind: "state", severity: nil, resourceType: resourceType, at: at)
            holdSelection(&state, pane: .state)
        case .stats(let server):
            state.stats.server = server
        case .control(let reply):
            return apply(reply, to: &state)
        case .unknown(let type):
            state.diagnostics.unknown += 1
            state.diagnostics.lastError = "ignored unknown message type \"\(type)\""
            state.diagnostics.lastErrorAt = state.now
        case .malformed(let description):
            state.diagnostics.malformed += 1
            noteError(&state, "malformed message: \(description)")
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
            state.subscriptions[topic] = .acknowledged
        case .unsubscribed(let topic):
            if state.subscriptions[topic] == .acknowledged || state.subscriptions[topic] == .sent {
                // Only forget it if no desired topic still wants it.
                let wanted = state.desiredTopics.contains { state.wireNames(for: $0).contains(topic) }
                if !wanted { state.subscriptions[topic] = nil }
            }
        case .filterSet, .pong:
            break
        case .error(let message):
            state.diagnostics.serverErrors += 1
            noteError(&state, "server: \(message)")
        }
        return []
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

    static func noteError(_ state: inout State, _ message: String) {
        state.diagnostics.lastError = message
        state.diagnostics.lastErrorAt = state.now
    }
}
