import Foundation

/// A program run to completion with its standard output read by the benchmark: lines counted, the wall time
/// until it exited and its peak resident memory (the kernel's high-water mark, read every 50 ms while it runs).
struct ChildRun {
    var lines = 0
    var seconds = 0.0
    /// When the last output arrived, from the start.
    var lastOutput = 0.0
    var peakResidentBytes = 0
    /// User + system time of the child, all its threads.
    var processorSeconds = 0.0
    var status: Int32 = 0
    /// The first bytes of its output, for a child whose figures are printed rather than counted.
    var head = ""

    static func run(_ executable: String, _ arguments: [String]) throws -> ChildRun {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw BenchError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let started = Date()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(pipeEnds[1])
        guard rc == 0 else {
            close(pipeEnds[0])
            throw BenchError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        var result = ChildRun()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var head: [UInt8] = []
        while true {
            // Sampled while it runs: after it exits, its status is gone (and wait4's ru_maxrss would count this
            // process's memory, which a vfork-spawned child is charged with at exec).
            result.peakResidentBytes = max(result.peakResidentBytes, residentHighWater(of: pid))
            var fds = [pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 1, 50) == 0 { continue }
            let count = read(pipeEnds[0], &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            result.lastOutput = Date().timeIntervalSince(started)
            // memchr, not a byte loop: this process shares the two cores with the child it measures.
            buffer.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                var at = base
                let end = base + count
                while at < end, let hit = memchr(at, 0x0A, end - at) {
                    result.lines += 1
                    at = UnsafeRawPointer(hit) + 1
                }
            }
            if head.count < 4096 { head += buffer[0..<min(count, 4096 - head.count)] }
        }
        close(pipeEnds[0])
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        result.seconds = Date().timeIntervalSince(started)
        result.processorSeconds = secondsOf(usage.ru_utime) + secondsOf(usage.ru_stime)
        result.status = status
        result.head = String(decoding: head, as: UTF8.self)
        return result
    }
}

private func secondsOf(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }

/// Whether `python3` with the `websockets` package is here, for the `tail` row's baseline.
func pythonWebSocketsAvailable() -> Bool {
    (try? ChildRun.run("/usr/bin/env", ["python3", "-c", "import websockets"]))?.status == 0
}

/// The baseline client of the `tail` row, the README's recipe: Python `websockets` receiving, `json` decoding
/// each newline-joined message and writing it back as one NDJSON line, to /dev/null, for `seconds`.
let pythonTailBaseline = """
import asyncio, json, sys, time, websockets
async def main(url, seconds):
    lines = 0
    async with websockets.connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "subscribe", "topic": "all"}))
        end = time.monotonic() + seconds
        with open("/dev/null", "w") as out:
            while time.monotonic() < end:
                try:
                    frame = await asyncio.wait_for(ws.recv(), timeout=max(0.01, end - time.monotonic()))
                except asyncio.TimeoutError:
                    break
                for line in frame.split("\\n"):
                    if line:
                        out.write(json.dumps(json.loads(line)) + "\\n")
                        lines += 1
    print(lines)
asyncio.run(main(sys.argv[1], float(sys.argv[2])))
"""

/// The kernel's high-water mark of a live process's resident memory (`VmHWM`), in bytes; 0 once it is gone.
func residentHighWater(of pid: pid_t) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
}

/// A figure in megabytes, for the memory rows.
func megabytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1_000_000, 1) + " MB" }

/// A number with `digits` decimals, for rows that put text and numbers in one line.
func fixed(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

/// CPU seconds (user + system) from a `/proc/…/stat` file: a process's, or one thread's under `task/`.
func processorSeconds(stat path: String) -> Double {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8), let close = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the command: state is field 3, utime 14, stime 15 (1-based in proc(5)).
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// This process's threads, by id: taken before and after something starts its own, the difference is its threads.
func threadIDs() -> Set<String> {
    Set((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [])
}

/// CPU seconds the given threads of this process have used so far.
func processorSeconds(threads: Set<String>) -> Double {
    threads.reduce(0) { $0 + processorSeconds(stat: "/proc/self/task/\($1)/stat") }
}
