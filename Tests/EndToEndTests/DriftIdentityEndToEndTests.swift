import Foundation
import Testing

/// `tail` against `demo-server --repeat-drifts 1` (every drift the same change made again, as the real detector
/// reports a change repeated before the next apply): every detection printed once, and exit 0 with data by
/// either path. The old client dropped every repeat of a drift it had loaded or polled, and exited 1 after a
/// whole run of polled data.
@Suite(.serialized)
struct DriftIdentityEndToEndTests {
    static func events(_ out: String) -> [[String: Any]] {
        out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func historyThenLiveRepeatsArePrintedEveryTime() throws {
        let server = try DemoServerProcess(rate: 10, extra: ["--repeat-drifts", "1", "--preload", "30"])
        defer { server.stop() }
        let result = try run(try productPath(), [
            "tail", "--no-config", "--url", server.url, "--topics", "drifts", "--history-on-start", "50", "--count", "16", "--duration", "60",
        ])
        #expect(result.status == 0, "\(result.err)")
        let lines = Self.events(result.out)
        let drifts = lines.filter { $0["kind"] as? String == "event" }
        #expect(drifts.count == 16)
        #expect(Set(drifts.compactMap { $0["resource_id"] as? String }).count == 1, "one change, every detection of it")
        let summary = try #require(lines.last { $0["kind"] as? String == "summary" })
        let history = summary["history"] as? Int ?? 0
        #expect(history >= 1 && 16 - history >= 3, "history \(history), live \(16 - history)")
        #expect(drifts.filter { $0["history"] as? Bool == true }.count == history)
    }

    @Test func pollingPrintsEveryRepeatAndExits0() throws {
        let server = try DemoServerProcess(rate: 20, extra: ["--repeat-drifts", "1", "--refuse-upgrade", "500"])
        defer { server.stop() }
        let result = try run(try productPath(), [
            "tail", "--no-config", "--url", server.url, "--topics", "drifts", "--history-on-start", "0", "--count", "4", "--duration", "60",
        ])
        #expect(result.status == 0, "data by polling is data: \(result.err)")
        let drifts = Self.events(result.out).filter { $0["kind"] as? String == "event" }
        #expect(drifts.count == 4)
        #expect(Set(drifts.compactMap { $0["resource_id"] as? String }).count == 1)
        #expect(drifts.allSatisfy { $0["backfilled"] as? Bool == true })
    }
}
