import Foundation
import Testing
@testable import TFDriftCore
@testable import TFDriftView
import TFDriftWire

/// Three servers on one screen: prod streaming, staging reconnecting after a gap, dev stopped by a 401.
struct MultiServerSnapshotTests {
    static let base = 1_795_748_400.0  // 2026-11-27T03:00:00Z

    static func threeServers() -> State {
        let names = ["prod", "staging", "dev"]
        var state = State(servers: names.enumerated().map { index, name in
            var settings = Settings(url: "wss://tfdrift.\(name).internal/ws", restEnabled: false)
            settings.credential = "Bearer token from token file /etc/tfdrift/\(name).token"
            return ServerState(name: name, settings: settings, topics: [.drifts, .events, .state, .stats])
        })
        _ = Reducer.reduce(&state, .started(at: base))
        for k in 0..<2 {
            _ = Reducer.reduce(&state, .server(k, .connectionOpened(generation: 1, at: base)))
            var hello: [Incoming] = [.control(.welcome(dialect: k == 0 ? .real : .documented, version: "0.9.0", clientID: "c"))]
            if k == 0 { hello += ["drift", "unmanaged", "policy_decision", "remediation_proposal", "falco", "state_change"].map { .control(.subscribed($0)) } }
            _ = Reducer.reduce(&state, .server(k, .received(generation: 1, items: hello, at: base)))
        }
        _ = Reducer.reduce(&state, .server(2, .connectionClosed(generation: 1, Disconnection("HTTP 401 Unauthorized", httpStatus: 401), at: base + 1, jitter: 0)))
        let severities: [Severity] = [.critical, .high, .medium, .low, .warning]
        for i in 0..<24 {
            let k = i % 3 == 2 ? 1 : 0
            let t = base + 2 + Double(i)
            let drift = DriftRecord(
                receivedAt: t, severity: severities[i % 5], resourceType: ["aws_security_group", "aws_iam_policy", "aws_s3_bucket"][i % 3],
                resourceName: "res\(i)", resourceID: "id-\(i)", attribute: ["ingress", "policy", "acl"][i % 3],
                oldValue: "old\(i)", newValue: "new\(i)", user: "alice@corp.example")
            let event = EventRecord(
                receivedAt: t, topic: i % 2 == 0 ? .falco : .unmanaged, severity: severities[(i + 1) % 5],
                title: i % 2 == 0 ? "Terminal shell in container" : "RunInstances", resource: "aws_instance i-\(i)", detail: "detail \(i)")
            _ = Reducer.reduce(&state, .server(k, .received(generation: 1, items: [.drift(drift), .event(event)], at: t)))
        }
        // staging dropped and is waiting to retry; its gap is open.
        _ = Reducer.reduce(&state, .server(1, .connectionClosed(generation: 1, Disconnection("connection reset by peer"), at: base + 27, jitter: 0)))
        _ = Reducer.reduce(&state, .tick(at: base + 28))
        return state
    }

    func check(_ state: State, _ size: Size, _ name: String) throws {
        try DashboardSnapshotTests().check(state.render(size: size), name)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func mergedPanesAndTheStatusBarPerServer(size: Size) throws {
        let state = Self.threeServers()
        try check(state, size, "servers-\(size.width)x\(size.height)")
        let canvas = state.render(size: size)
        let status = canvas.row(size.height - 1)
        #expect(status.contains("prod ●"))
        #expect(status.contains("staging ↻"))
        #expect(status.contains("dev ⏸"))
        #expect(canvas.text.contains("SRV"))
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func theConnectionsView(size: Size) throws {
        var state = Self.threeServers()
        _ = Reducer.reduce(&state, .key(.character("c")))
        _ = Reducer.reduce(&state, .key(.down))
        try check(state, size, "connections-\(size.width)x\(size.height)")
        let text = state.render(size: size).text
        #expect(text.contains("Connections 1/3 open"))
        #expect(text.contains("stopped: "))
        #expect(text.contains("→ staging"), "the selected server is marked")
    }

    @Test func oneServerOnScreen() throws {
        var state = Self.threeServers()
        _ = Reducer.reduce(&state, .key(.character("S")))
        _ = Reducer.reduce(&state, .key(.character("S")))
        let canvas = state.render(size: Size(width: 120, height: 30))
        #expect(canvas.text.contains("only staging · S all"))
        // Every row of the list panes on the left is staging's.
        let rows = (2..<29).map { canvas.row($0) }.filter { $0.contains(".res") || $0.contains("detail ") }
        #expect(rows.count >= 8)
        #expect(rows.allSatisfy { $0.hasPrefix("│ staging ") }, "\(rows)")
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func kioskNamesTheStaleServers(size: Size) throws {
        var state = Self.threeServers()
        state.ui.kiosk = KioskState(settings: KioskSettings(cycle: 0, staleAfter: 30, alert: .none))
        try check(state, size, "kiosk-servers-\(size.width)x\(size.height)")
        let text = state.render(size: size).text
        #expect(text.contains("DATA STALE: staging (down 3s), dev (stopped)"))
    }
}
