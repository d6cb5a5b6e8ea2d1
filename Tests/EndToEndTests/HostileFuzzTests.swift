import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TFDriftSimulator

/// The wire-level fuzz test: `tail` against `demo-server --hostile`, which plays seeded rounds of every attack
/// it knows (malformed, oversized, fragmented and protocol-violating frames, hostile close codes and reasons,
/// refused upgrades with hostile status lines, hostile REST bodies, ping floods without reading), each followed
/// by a sentinel drift. `TFDRIFT_FUZZ_ROUNDS` raises the round count for a longer run.
struct HostileFuzzTests {
    static var rounds: Int? { ProcessInfo.processInfo.environment["TFDRIFT_FUZZ_ROUNDS"].flatMap { Int($0) }.map { max(1, $0) } }

    /// The bounds stated for the default settings: peak RSS of `tail` with `--history 100` and `--history 10000`
    /// (the latter with floods ten times larger, so that the history fills with maximum-length items).
    @Test(arguments: [(history: 100, scale: 1, boundMB: 60), (history: 10_000, scale: 10, boundMB: 150)])
    func theClientSurvivesEveryRoundWithinItsMemoryBound(history: Int, scale: Int, boundMB: Int) throws {
        let kinds = HostileKind.allCases.count
        let rounds = HostileFuzzTests.rounds ?? (scale == 1 ? 2 * kinds : kinds)  // every kind at least once
        let server = try DemoServerProcess(rate: 0, extra: ["--hostile", String(rounds), "--hostile-scale", String(scale), "--seed", String(history)])
        defer { server.stop() }
        let outPath = scratchFile("out"), errPath = scratchFile("err")
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        let tail = try Child.spawn(
            try productPath(),
            ["tail", "--url", server.url, "--history", String(history), "--backoff-max", "0.2", "--max-retry-after", "0.3", "--duration", "300"],
            stdout: outPath, stderr: errPath)
        let last = "\"resource_id\":\"sentinel-\(rounds - 1)\""
        let deadline = Date().addingTimeInterval(240)
        var output = ""
        while !output.contains(last) {
            guard Date() < deadline, kill(tail.pid, 0) == 0 else { break }
            usleep(100_000)
            output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        }
        let alive = kill(tail.pid, 0) == 0
        let peakKB = HostileFuzzTests.peakRSSKilobytes(of: tail.pid)
        tail.terminate()
        #expect(alive, "tail died: \((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")")
        output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""

        var sentinels: [String] = []
        var reasons: [String] = []
        for line in output.split(separator: "\n") {
            // Inert: no C0, C1, DEL or bidi/invisible character survives into the output, escaped or not.
            let unsafe = line.unicodeScalars.first { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || (0x202A...0x202E).contains($0.value)
                || (0x2066...0x2069).contains($0.value) || [0x200E, 0x200F, 0x061C].contains($0.value) }
            #expect(unsafe == nil, "raw U+\(String(unsafe?.value ?? 0, radix: 16)) in: \(line.prefix(200))")
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                Issue.record("not a JSON object: \(line.prefix(200))")
                continue
            }
            if let id = object["resource_id"] as? String, id.hasPrefix("sentinel-") { sentinels.append(id) }
            if object["kind"] as? String == "connection", let reason = object["reason"] as? String { reasons.append(reason) }
        }
        #expect(sentinels == (0..<rounds).map { "sentinel-\($0)" }, "sentinels missing or out of order: \(sentinels.suffix(5))")
        if rounds >= kinds {
            for expected in [
                "closed with 1002", "closed with 1009", "closed with 1007", "upgrade refused", "outbound queue full", "Retry-After beyond",
                "which the client did not ask for",
            ] {
                #expect(reasons.contains { $0.contains(expected) }, "no connection line says \"\(expected)\": \(Set(reasons))")
            }
        }
        #expect(peakKB > 0 && peakKB <= boundMB * 1024, "peak RSS \(peakKB / 1024) MB with --history \(history), bound \(boundMB) MB")
    }

    /// `VmHWM` from /proc: the process's peak resident set so far.
    static func peakRSSKilobytes(of pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
