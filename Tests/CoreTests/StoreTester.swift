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

    /// The parts of State that differ, by name, so a failure says where.
    static func difference(_ expected: State, _ actual: State) -> String {
        var parts: [String] = []
        if expected.connection != actual.connection { parts.append("connection: \(expected.connection) ≠ \(actual.connection)") }
        if expected.desiredTopics != actual.desiredTopics { parts.append("desiredTopics: \(expected.desiredTopics) ≠ \(actual.desiredTopics)") }
        if expected.feed != actual.feed { parts.append("feed differs (drifts \(expected.feed.drifts.count)/\(actual.feed.drifts.count))") }
        if expected.ui != actual.ui { parts.append("ui: \(expected.ui) ≠ \(actual.ui)") }
        if expected.diagnostics != actual.diagnostics { parts.append("diagnostics: \(expected.diagnostics) ≠ \(actual.diagnostics)") }
        if expected.rest != actual.rest { parts.append("rest: \(expected.rest) ≠ \(actual.rest)") }
        if expected.now != actual.now || expected.quitting != actual.quitting { parts.append("now/quitting") }
        return parts.joined(separator: "\n")
    }
}
