import Testing
@testable import TFDriftCore

/// The exhaustive store test (TCA's `TestStore` idea): send an action, state the change you expect and the
/// effects; any other change to the state, or any other effect, fails the test.
struct StoreTester {
    var state: State

    mutating func send(
        _ action: Action, effects expected: [Effect] = [], sourceLocation: SourceLocation = #_sourceLocation,
        _ change: (inout State) -> Void = { _ in }
    ) {
        var predicted = state
        change(&predicted)
        let effects = Reducer.reduce(&state, action)
        #expect(effects == expected, "effects of \(action)", sourceLocation: sourceLocation)
        if state != predicted {
            Issue.record("unexpected state change after \(action):\n\(StoreTester.difference(predicted, state))", sourceLocation: sourceLocation)
        }
    }

    /// The parts of State that differ, by name and by server, so a failure says where.
    static func difference(_ expected: State, _ actual: State) -> String {
        var parts: [String] = []
        if expected.servers.count != actual.servers.count { parts.append("servers: \(expected.servers.count) ≠ \(actual.servers.count)") }
        for (index, (e, a)) in zip(expected.servers, actual.servers).enumerated() where e != a {
            let name = "server \(index) (\(expected.serverName(index)))"
            if e.connection != a.connection { parts.append("\(name) connection: \(e.connection) ≠ \(a.connection)") }
            if e.rest != a.rest { parts.append("\(name) rest: \(e.rest) ≠ \(a.rest)") }
            if e.settings != a.settings || e.pendingSettings != a.pendingSettings { parts.append("\(name) settings differ") }
            if e.desiredTopics != a.desiredTopics { parts.append("\(name) desiredTopics: \(e.desiredTopics) ≠ \(a.desiredTopics)") }
            if e.reconciler != a.reconciler { parts.append("\(name) reconciler: \(e.reconciler) ≠ \(a.reconciler)") }
            if e.stats != a.stats || e.reported != a.reported || e.unrequestedAcks != a.unrequestedAcks {
                parts.append("\(name) counts: stats, reported or unasked acks differ")
            }
        }
        if expected.feed != actual.feed { parts.append("feed differs (drifts \(expected.feed.drifts.count)/\(actual.feed.drifts.count))") }
        if expected.ui != actual.ui { parts.append("ui: \(expected.ui) ≠ \(actual.ui)") }
        if expected.diagnostics != actual.diagnostics { parts.append("diagnostics: \(expected.diagnostics) ≠ \(actual.diagnostics)") }
        if expected.now != actual.now || expected.quitting != actual.quitting { parts.append("now/quitting") }
        return parts.joined(separator: "\n")
    }
}
