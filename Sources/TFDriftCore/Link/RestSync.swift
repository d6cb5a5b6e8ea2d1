import TFDriftWire

/// Reconciles the WebSocket stream with the REST API: learns where the server's drift list stands,
/// backfills what an interruption cost (the real server keeps no history for reconnecting clients and
/// drops events silently), polls while the WebSocket endpoint is unavailable, and reads server totals.
enum RestSync {
    /// Small enough that a page of long drifts stays well under the REST client's body limit.
    static let pageSize = 250
    static let maximumGaps = 100

    /// The list index of a page's first item; nil for a page or limit the client never asks for, so no outside
    /// number reaches unchecked arithmetic (a recording's request, replayed, is one).
    static func firstIndex(page: Int, limit: Int) -> Int? {
        guard page >= 1, (1...pageSize).contains(limit) else { return nil }
        let (first, overflow) = (page - 1).multipliedReportingOverflow(by: limit)
        // Within 2^53, the index plus a page's offsets and the next page number cannot overflow either.
        return overflow || first > Int(Checked.largestExactInteger) ? nil : first
    }

    /// The next `/api/v1/drifts` page to read, the one holding index `cursor` and `cursor - 1` (the anchor, which
    /// tells a restarted server's list grown back past the cursor); unless a read is already on its way.
    static func requestDrifts(_ state: inout ServerScope) -> [Effect] {
        guard state.settings.restEnabled, !state.rest.driftsInFlight else { return [] }
        state.rest.driftsInFlight = true
        // Live drifts that came before this request are in the list the server will answer from.
        state.rest.readMark = state.server.reconciler.arrivals
        guard let cursor = state.rest.cursor else {
            // First contact: only learn the total; what happened before we started is history, not a gap.
            return [.fetch(.drifts(page: 1, limit: 1))]
        }
        let limit = limit(from: cursor)
        return [.fetch(.drifts(page: cursor / limit + 1, limit: limit))]
    }

    /// Pages are aligned to their size: a cursor on a page boundary reads pages a little shorter, so that the
    /// page holding it holds the anchor too.
    static func limit(from cursor: Int) -> Int {
        var limit = pageSize
        while cursor > 0, cursor % limit == 0, limit > 2 { limit -= 1 }
        return limit
    }

    /// One round of the polling fallback: the drifts past the cursor, the totals, and the next round.
    static func pollRound(_ state: inout ServerScope) -> [Effect] {
        // The round reads the stats too, so the regular stats poll has nothing to add until its interval passes.
        state.rest.lastStatsRequest = state.now
        return requestDrifts(&state) + [.fetch(.stats), .schedule(after: state.settings.pollInterval, .pollDue)]
    }

    static func apply(_ state: inout ServerScope, _ request: RestRequest, _ outcome: RestOutcome, at: Double) -> [Effect] {
        switch request {
        case .terraformState:
            applyTerraformState(&state, outcome, at: at)
            return []
        case .driftContext, .declaredResource, .graphImpact, .graphDependents:
            state.output(.lookup(request, lookup(from: outcome)))
            return []
        default:
            break
        }
        if case .health = request, case .failure(let status, _) = outcome, status == 404 {
            // A server without the endpoint: readiness unknown, said once, not an error.
            state.rest.readiness = .unknown
            return []
        }
        guard case .body(let body) = outcome else {
            if case .failure(let status, let message) = outcome {
                state.rest.lastError = status.map { "HTTP \($0): \(message)" } ?? message
                state.log(.restFailed(path: request.path, reason: state.rest.lastError ?? message))
            }
            switch request {
            case .drifts:
                state.rest.driftsInFlight = false
                // The first read learns the list's length; without it there is no history either.
                if state.rest.cursor == nil, state.settings.historyOnStart > 0 { state.rest.historyProblem = state.rest.lastError }
                closeGap(&state, at: at)
                // Undecided without the list: shown, since a drift shown twice is better than one lost.
                releaseHeld(&state)
                return []
            case .history:
                // No history, but nothing else lost: the dashboard stays live-only and says so.
                state.rest.driftsInFlight = false
                state.rest.historyProblem = state.rest.lastError
                closeGap(&state, at: at)
                return historyEnded(&state)
            default:
                break
            }
            return []
        }
        // The server answered: it can be read, whether or not its WebSocket opens (tail's exit status).
        state.rest.everAnswered = true
        let data = body["data"] ?? .null
        switch request {
        case .health:
            if let version = data["version"]?.stringValue { state.rest.serverVersion = Sanitizer.clean(version, limit: 40) }
            applyReadiness(&state, data, at: at)
            return []
        case .stats:
            applyStats(&state, data)
            return []
        case .drifts(let page, let limit):
            state.rest.driftsInFlight = false
            return applyDrifts(&state, data, page: page, limit: limit, at: at)
        case .history(let page, let limit, let from, let total):
            state.rest.driftsInFlight = false
            return applyHistory(&state, data, page: page, limit: limit, from: from, total: total, at: at)
        case .terraformState, .driftContext, .declaredResource, .graphImpact, .graphDependents:
            return []  // answered above
        }
    }

    /// A 404 is an answer ("not there"), not an error; the body's `data` is what was found.
    static func lookup(from outcome: RestOutcome) -> Lookup {
        switch outcome {
        case .body(let body):
            guard let data = body["data"], data != .null else { return .notFound }
            return .found(data)
        case .failure(let status, _) where status == 404:
            return .notFound
        case .failure(let status, let message):
            return .failed(status.map { "HTTP \($0): \(message)" } ?? message)
        }
    }

    /// The Terraform state summary; a change of serial or resource count becomes an entry in the State pane,
    /// so the pane shows state changes on a server that never broadcasts them.
    static func applyTerraformState(_ state: inout ServerScope, _ outcome: RestOutcome, at: Double) {
        let data: JSONValue
        switch outcome {
        case .failure(let status, _) where status == 404:
            state.rest.terraformState = .notLoaded
            return
        case .failure(let status, let message):
            state.rest.terraformState = .failed(status.map { "HTTP \($0): \(message)" } ?? message)
            return
        case .body(let body):
            data = body["data"] ?? .null
        }
        guard case .object = data else {
            malformed(&state, path: "/api/v1/state", "no data object")
            return
        }
        var problems: [String] = []
        let summary = TerraformStateSummary(
            lineage: Ingest.text(data["lineage"], limit: 80), serial: Ingest.count(data["serial"], "serial", &problems),
            resourceCount: Ingest.count(data["resource_count"], "resource_count", &problems),
            terraformVersion: Ingest.text(data["terraform_version"], limit: 40))
        for problem in problems { malformed(&state, path: "/api/v1/state", "\(problem)") }
        if case .loaded(let previous) = state.rest.terraformState,
            previous.serial != summary.serial || previous.resourceCount != summary.resourceCount
        {
            var parts: [String] = []
            if previous.serial != summary.serial { parts.append("serial \(show(previous.serial)) → \(show(summary.serial))") }
            if previous.resourceCount != summary.resourceCount {
                parts.append("resources \(show(previous.resourceCount)) → \(show(summary.resourceCount))")
            }
            if previous.lineage != summary.lineage { parts.append("lineage \(summary.lineage)") }
            state.output(.stateChange(StateRecord(receivedAt: at, resource: "terraform state", action: "changed", detail: parts.joined(separator: " · "))))
        }
        state.rest.terraformState = .loaded(summary)
    }

    static func show(_ number: Int?) -> String { number.map(String.init) ?? "?" }

    /// Checks kept from one `/health` answer; the rest is not the server's to grow.
    static let maximumChecks = 16

    /// `/health`'s `status` and `checks`: degraded (since the first answer that said so) or ready; no checks and no
    /// status is a server that reports no readiness. A change is noted in the problem log (and so in `tail`).
    static func applyReadiness(_ state: inout ServerScope, _ data: JSONValue, at: Double) {
        let status = data["status"]?.stringValue.map { Sanitizer.clean($0, limit: 40).lowercased() }
        let checks = (data["checks"]?.objectValue?.pairs ?? []).prefix(maximumChecks).map { pair in
            ReadinessCheck(name: Sanitizer.clean(pair.key, limit: 40), value: Ingest.text(pair.value, limit: 40))
        }
        let before = state.rest.readiness
        let next: Readiness
        if status == nil && checks.isEmpty {
            next = .unknown
        } else if status == "degraded" || checks.contains(where: { !$0.ok }) {
            if case .degraded(_, let since) = before { next = .degraded(checks: checks, since: since) } else { next = .degraded(checks: checks, since: at) }
        } else {
            next = .ready(checks: checks)
        }
        state.rest.readiness = next
        switch (before, next) {
        case (.degraded, .degraded), (.ready, .ready), (.notAsked, .ready), (.unknown, .unknown), (.notAsked, .unknown):
            break
        case (_, .degraded):
            let failing = ReadinessCheck.words(next.failing)
            state.note(.serverBlind(failing: failing))
        case (.degraded, _):
            state.log(.serverSeesAgain(status: status ?? "ok"))
        default:
            break
        }
    }

    static func applyStats(_ state: inout ServerScope, _ data: JSONValue) {
        var server = Ingest.stats(from: data)
        for problem in server.problems { malformed(&state, path: "/api/v1/stats", "\(problem)") }
        guard let total = server.driftTotal else { return }
        let accounted = state.rest.liveDrifts + state.rest.backfilledTotal
        if let previous = state.server.reported?.driftTotal, total < previous {
            state.rest.restartsDetected += 1
            state.rest.driftBaseline = total - accounted
        }
        if state.rest.driftBaseline == nil { state.rest.driftBaseline = total - accounted }
        server.droppedEstimate = max(0, total - (state.rest.driftBaseline ?? total) - accounted)
        state.server.reported = server
    }

    static func applyDrifts(_ state: inout ServerScope, _ data: JSONValue, page: Int, limit: Int, at: Double) -> [Effect] {
        var problems: [String] = []
        guard let total = Ingest.count(data["total"], "total", &problems), let list = data["data"]?.arrayValue else {
            let why = problems.first ?? (data["total"] == nil ? "no total" : "no data list")
            malformed(&state, path: "/api/v1/drifts", "\(why)")
            closeGap(&state, at: at)
            releaseHeld(&state)
            return []
        }
        guard let first = firstIndex(page: page, limit: limit) else {
            malformed(&state, path: "/api/v1/drifts", "an answer to page \(page) of \(limit), which the client never asks for")
            closeGap(&state, at: at)
            releaseHeld(&state)
            return []
        }
        // A server may answer with more than was asked for; what lies beyond the page is not believed.
        let items = list.prefix(limit)
        guard let cursor = state.rest.cursor else {
            state.rest.cursor = total
            closeGap(&state, at: at)
            // Live drifts that came before the request lie before the cursor: history may meet them, then they are
            // settled. Those that came after it may lie either side, and stay for the next read to place.
            let mark = state.rest.readMark ?? state.server.reconciler.arrivals
            // History on start: the last drifts of the list, as history; the last of them anchors the cursor.
            let wanted = state.desiredTopics.contains(.drifts) || state.desiredTopics.contains(.all)
            if state.settings.historyOnStart > 0, total > 0, wanted {
                let from = max(0, total - state.settings.historyOnStart)
                state.rest.firstReadMark = mark
                state.rest.driftsInFlight = true
                return [.fetch(.history(page: from / pageSize + 1, limit: pageSize, from: from, total: total))]
            }
            state.server.reconciler.settle(before: mark)
            // Read the last drift once, to anchor the cursor.
            guard total > 0 else { return [] }
            state.rest.driftsInFlight = true
            return [.fetch(.drifts(page: total, limit: 1))]
        }
        let anchorIndex = cursor - 1 - first
        let replaced = state.rest.anchor != nil && anchorIndex >= 0 && anchorIndex < items.count
            && DriftDigest(Ingest.drift(items[anchorIndex], receivedAt: at, time: nil)) != state.rest.anchor
        if total < cursor || replaced {
            // The list only grows; a shorter one, or another drift at our cursor, means the server restarted
            // and lost it. Start over from its beginning.
            return restarted(&state)
        }
        // Drifts switched off by the operator stay off, whichever way they would arrive; the cursor still moves.
        // Entries past the cursor are new by position: each is either a live drift already shown (merged,
        // counted) or one the client missed (shown as backfilled). Content alone never hides one.
        let wanted = state.desiredTopics.contains(.drifts) || state.desiredTopics.contains(.all)
        var shown: [DriftDigest] = []
        // Digested once a read, not once an entry.
        var heldKeys = state.rest.heldLive.map(DriftDigest.init)
        for (offset, item) in items.enumerated() where wanted && first + offset >= cursor {
            var drift = Ingest.restDrift(item, receivedAt: at)
            drift.backfilled = true
            let key = DriftDigest(drift)
            // A held live drift found past the cursor is the change made again: shown now, as the live one.
            if let held = heldKeys.firstIndex(of: key) {
                heldKeys.remove(at: held)
                let live = state.rest.heldLive.remove(at: held)
                state.output(.drift(live))
                state.count(.mergedListed)
                continue
            }
            guard state.server.reconciler.listed(key) else {
                state.count(.mergedListed)
                continue
            }
            state.output(.drift(drift))
            shown.append(key)
            state.rest.backfilledTotal += 1
            state.rest.gapBackfilled += 1
        }
        if !shown.isEmpty { state.server.reconciler.readEnded(shown: shown, at: at) }
        let reached = min(total, max(cursor, first + items.count))
        state.rest.cursor = reached
        if reached - 1 - first >= 0, reached - 1 - first < items.count {
            state.rest.anchor = DriftDigest(Ingest.drift(items[reached - 1 - first], receivedAt: at, time: nil))
        }
        if reached < total, !items.isEmpty {
            return requestDrifts(&state)
        }
        closeGap(&state, at: at)
        // The whole list past the cursor was read. Live drifts that came before the request and were not met lie
        // before the cursor (placed earlier), and so do held ones not in it: already shown.
        if let mark = state.rest.readMark { state.server.reconciler.settle(before: mark) }
        if !state.rest.heldLive.isEmpty { state.count(.mergedLive, state.rest.heldLive.count) }
        state.rest.heldLive.removeAll()
        return []
    }

    /// The server restarted and lost its list: read the new one from its beginning.
    static func restarted(_ state: inout ServerScope) -> [Effect] {
        state.rest.restartsDetected += 1
        // With history on start, a restarted server's recent drifts load as history; without, all of them
        // are backfilled.
        state.rest.cursor = state.settings.historyOnStart > 0 ? nil : 0
        state.rest.anchor = nil
        state.rest.firstReadMark = nil
        state.server.reconciler.listLost()
        releaseHeld(&state)
        return requestDrifts(&state)
    }

    /// Shows the held live drifts when the list cannot decide (a failed or unbelievable read, a restart).
    static func releaseHeld(_ state: inout ServerScope) {
        for drift in state.rest.heldLive { state.output(.drift(drift)) }
        if !state.rest.heldLive.isEmpty { state.count(.undecided, state.rest.heldLive.count) }
        state.rest.heldLive.removeAll()
    }

    /// A body that parsed but cannot be believed: reported, and the sync carries on with the next round.
    static func malformed(_ state: inout ServerScope, path: String, _ why: String) {
        state.rest.lastError = "\(path): \(why)"
        state.malformed(.restUnbelievable(path: path, why: why))
    }

    /// One page of history on start: the items from `from` on are shown, marked as history (never twice, also
    /// against live drifts that arrived meanwhile); the next page follows until `total`.
    static func applyHistory(
        _ state: inout ServerScope, _ data: JSONValue, page: Int, limit: Int, from: Int, total: Int, at: Double
    ) -> [Effect] {
        guard let list = data["data"]?.arrayValue else {
            malformed(&state, path: "/api/v1/drifts", "no data list")
            return historyEnded(&state)
        }
        guard let first = firstIndex(page: page, limit: limit), total <= Int(Checked.largestExactInteger) else {
            malformed(&state, path: "/api/v1/drifts", "an answer to page \(page) of \(limit), which the client never asks for")
            return historyEnded(&state)
        }
        var problems: [String] = []
        if let now = Ingest.count(data["total"], "total", &problems), now < total {
            // The list shrank while history loaded: the server restarted, and this page is of another list.
            return restarted(&state)
        }
        let items = list.prefix(limit)
        var shown: [DriftDigest] = []
        // Only the newest entries can have come live since the client subscribed: as many as are unplaced.
        let liveFrom = total - state.server.reconciler.unplacedCount - DriftReconciler.lookahead
        for (offset, item) in items.enumerated() where first + offset >= from && first + offset < total {
            var drift = Ingest.restDrift(item, receivedAt: at)
            drift.history = true
            let key = DriftDigest(drift)
            guard state.server.reconciler.listed(key, mayBeLive: first + offset >= liveFrom) else {
                state.count(.mergedListed)
                continue
            }
            state.output(.drift(drift))
            shown.append(key)
        }
        if !shown.isEmpty { state.server.reconciler.readEnded(shown: shown, at: at) }
        state.rest.historyLoaded = (state.rest.historyLoaded ?? 0) + shown.count
        if first + items.count >= total {
            // The drift at index total-1 anchors the cursor (the list may have grown since).
            let anchorIndex = total - 1 - first
            if anchorIndex >= 0, anchorIndex < items.count {
                state.rest.anchor = DriftDigest(Ingest.drift(items[items.startIndex + anchorIndex], receivedAt: at, time: nil))
            }
            return historyEnded(&state)
        }
        // An empty page short of the total: the list cannot be read further.
        guard !items.isEmpty else { return historyEnded(&state) }
        state.rest.driftsInFlight = true
        return [.fetch(.history(page: page + 1, limit: limit, from: from, total: total))]
    }

    /// History on start is over, loaded, failed or unbelievable: live drifts from before the first read that it did
    /// not meet lie before the cursor, and a live drift held meanwhile waits for the list past the cursor.
    static func historyEnded(_ state: inout ServerScope) -> [Effect] {
        if let mark = state.rest.firstReadMark {
            state.server.reconciler.settle(before: mark)
            state.rest.firstReadMark = nil
        }
        return state.rest.heldLive.isEmpty ? [] : requestDrifts(&state)
    }

    /// Records the interruption once the WebSocket is back and the backfill has run.
    static func closeGap(_ state: inout ServerScope, at: Double) {
        guard let gap = state.rest.openGap, state.connection.phase == .open else { return }
        state.output(.gap(start: gap.start, end: gap.end ?? at, backfilled: state.rest.gapBackfilled, afterSeq: gap.afterSeq))
        state.rest.openGap = nil
        state.rest.gapBackfilled = 0
    }
}

extension RestRequest {
    /// Why the client could never have made this request, or nil when it could. A recording's REST lines hold the
    /// request they answer; the file is as hostile as a server, so a page or limit the client never asks for
    /// is a damaged line, not arithmetic to trap on.
    public var implausible: String? {
        let largest = Int(Checked.largestExactInteger)
        switch self {
        case .drifts(let page, let limit), .history(let page, let limit, _, _):
            if !(1...largest).contains(page) { return "a page of \(page) (the client asks for pages 1 to 2^53)" }
            if !(1...RestSync.pageSize).contains(limit) { return "a limit of \(limit) (the client asks for 1 to \(RestSync.pageSize))" }
            if case .history(_, _, let from, let total) = self, !(0...largest).contains(total) || !(0..<max(total, 1)).contains(from) {
                return "history from \(from) of \(total) (the client asks from 0 up to a total of at most 2^53)"
            }
            return nil
        case .driftContext(let id), .declaredResource(let id), .graphDependents(let id):
            return RestRequest.isPathSegment(id) ? nil : "a lookup of \"\(Sanitizer.clean(id, limit: 40))\", which the client never puts in a path"
        case .graphImpact(let id, let depth):
            if !(1...BlastRadius.maximumDepth).contains(depth) { return "a graph depth of \(depth) (the server accepts 1 to \(BlastRadius.maximumDepth))" }
            return RestRequest.isPathSegment(id) ? nil : "a lookup of \"\(Sanitizer.clean(id, limit: 40))\", which the client never puts in a path"
        case .health, .stats, .terraformState:
            return nil
        }
    }
}
