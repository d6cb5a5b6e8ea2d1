// Throughput figures for the hot paths, each next to a baseline measured in the same run.
// Run in release: `swift run -c release tfdrift-bench`. Results are recorded in BENCHMARKS.md.
import CMallocCounter
import Foundation
import Histogram
import NIOConcurrencyHelpers
import TFDriftCore
import TFDriftNetwork
import TFDriftRuntime
import TFDriftSimulator
import TFDriftView
import TFDriftWire

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Best of `runs`, to keep scheduler noise out of the figure.
func best(_ runs: Int = 5, _ body: () -> Void) -> Double {
    (0..<runs).map { _ in seconds(body) }.min()!
}

func rate(_ count: Int, _ time: Double) -> String {
    let perSecond = Double(count) / time
    return perSecond >= 1e6 ? String(format: "%.2f M/s", perSecond / 1e6) : String(format: "%.0f k/s", perSecond / 1e3)
}

// A realistic real-server batch: 256 objects of the shapes in tfdrift-protocol.md, joined by newlines.
let shapes = [
    #"{"type":"data","topic":"drift","data":{"attribute":"instance_type","matched_rules":["instance-type-change"],"new_value":"t3.2xlarge","old_value":"t3.micro","resource_id":"i-0demoweb%d","resource_name":"web","resource_type":"aws_instance","severity":"high","timestamp":"","user_identity":{"Type":"AssumedRole","PrincipalID":"","ARN":"arn:aws:sts::230446364776:assumed-role/Admin/alice@corp.example","AccountID":"230446364776","UserName":"alice@corp.example"}},"timestamp":"2026-11-27T03:01:43Z"}"#,
    #"{"type":"data","topic":"unmanaged","data":{"changes":{"instance_type":"t3.micro"},"event_name":"RunInstances","reason":"Resource i-0new%d (aws_instance) is not found in Terraform state","resource_id":"i-0new123","resource_type":"aws_instance","severity":"warning","timestamp":"","user_identity":{"Type":"IAMUser","PrincipalID":"AIDAEXAMPLE","ARN":"arn:aws:iam::123456789012:user/bob","AccountID":"123456789012","UserName":"bob"}},"timestamp":"2026-08-10T09:31:00Z"}"#,
    #"{"type":"data","topic":"policy_decision","data":{"attribute":"instance_type","decision":"deny","labels":null,"reason":"prod instances are immutable %d","resource_id":"i-0abc","resource_type":"aws_instance","severity":"high"},"timestamp":""}"#,
]
/// Rows to run, by name (`tfdrift-bench keys tail`); all of them without arguments. The first rows (decode to
/// render) always run: they take seconds and later rows use their corpus.
let rowsAsked = Set(CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("-") })
func wanted(_ row: String) -> Bool { rowsAsked.isEmpty || rowsAsked.contains(row) }
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--store-rss", let count = Int(CommandLine.arguments[2]) {
    storeMemoryChild(messages: count, shapes: shapes)
}
let lines = (0..<256).map { String(format: shapes[$0 % shapes.count], $0) }
let frame = Array(lines.joined(separator: "\n").utf8)
let frames = 400
let messages = frames * lines.count
print("tfdrift-bench: \(frames) frames × \(lines.count) messages, \(frame.count / lines.count) bytes per message on average, \(ProcessInfo.processInfo.activeProcessorCount) cores")

// 1. Decoding: FrameDecoder (split + parse + classify) against Foundation's JSONSerialization on the same lines.
var sink = 0
let foundation = best {
    for _ in 0..<frames {
        for line in frame.split(separator: 0x0A) {
            if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], object["type"] != nil { sink += 1 }
        }
    }
}
let ours = best {
    for _ in 0..<frames { sink += FrameDecoder.decode(frame).messages.count }
}
print("decode   JSONSerialization (baseline) \(rate(messages, foundation))   FrameDecoder \(rate(messages, ours))   ×\(String(format: "%.1f", foundation / ours))")

// 2. Decode + sanitise into records, one line's tree at a time (what the network thread does per frame).
let ingest = best {
    for _ in 0..<frames { sink += frame.withUnsafeBufferPointer { Ingest.items(fromFrame: $0, receivedAt: 0).count } }
}
print("ingest   decode + sanitise into records (direct path) \(rate(messages, ingest))   ×\(String(format: "%.1f", foundation / ingest)) JSONSerialization's parse alone")

// 3. Reducing those records into the store (the UI thread's share), bounded histories included.
let items = Ingest.items(from: FrameDecoder.decode(frame), receivedAt: 1_795_748_400)
let reduceTime = best(3) {
    var state = State(settings: Settings(url: "ws://x/ws"), topics: [.all])
    _ = Reducer.reduce(&state, .started(at: 1_795_748_400))
    _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 1_795_748_400))
    for i in 0..<frames { _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: 1_795_748_400 + Double(i) / 100)) }
    sink += state.feed.drifts.count
}
print("reduce   \(rate(messages, reduceTime)) into 10,000-item histories (the same 256 messages again and again)")

// 3b. The same with realistic churn: every message a new resource, so the histories fill, evict and free, and
// the dedupe window and the statistics keep meeting new keys.
let churnFrames: [[Incoming]] = (0..<frames).map { f in
    let distinct = (0..<256).map { String(format: shapes[$0 % shapes.count], f * 256 + $0) }
    return Ingest.items(from: FrameDecoder.decode(Array(distinct.joined(separator: "\n").utf8)), receivedAt: 1_795_748_400)
}
let churnTime = best(3) {
    var state = State(settings: Settings(url: "ws://x/ws"), topics: [.all])
    _ = Reducer.reduce(&state, .started(at: 1_795_748_400))
    _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 1_795_748_400))
    for (i, batch) in churnFrames.enumerated() {
        _ = Reducer.reduce(&state, .received(generation: 1, items: batch, at: 1_795_748_400 + Double(i) / 100))
    }
    sink += state.feed.drifts.count
}
print("reduce   \(rate(messages, churnTime)) with churn (every message new; histories full, evicting)")

// 3d. Calls into the allocator per delivered message, counted by the benchmark's own malloc (CMallocCounter):
// decoding and sanitising the churn corpus into records, then reducing those records into a full store.
let churnBytes: [[UInt8]] = (0..<frames).map { f in
    Array((0..<256).map { String(format: shapes[$0 % shapes.count], f * 256 + $0) }.joined(separator: "\n").utf8)
}
let allocationsBeforeIngest = tfd_allocations()
for bytes in churnBytes { sink += bytes.withUnsafeBufferPointer { Ingest.items(fromFrame: $0, receivedAt: 0).count } }
let ingestAllocations = Double(tfd_allocations() - allocationsBeforeIngest) / Double(messages)
var allocationState = State(settings: Settings(url: "ws://x/ws"), topics: [.all])
_ = Reducer.reduce(&allocationState, .started(at: 1_795_748_400))
_ = Reducer.reduce(&allocationState, .connectionOpened(generation: 1, at: 1_795_748_400))
let allocationsBeforeReduce = tfd_allocations()
for (i, batch) in churnFrames.enumerated() {
    _ = Reducer.reduce(&allocationState, .received(generation: 1, items: batch, at: 1_795_748_400 + Double(i) / 100))
}
let reduceAllocations = Double(tfd_allocations() - allocationsBeforeReduce) / Double(messages)
sink += allocationState.feed.drifts.count
if allocationsBeforeIngest > 0 {
    print(String(format: "allocs   per delivered message: decode + ingest %.1f   reduce with churn %.1f   total %.1f   (malloc calls)",
                 ingestAllocations, reduceAllocations, ingestAllocations + reduceAllocations))
} else {
    print("allocs   skipped (the allocation counter needs glibc)")
}

// 3c. `tail`'s output: records as NDJSON lines, written straight into bytes, against Foundation's
// JSONSerialization writing the same fields from dictionaries.
let records: [(String, JSONValue)] = churnFrames[0].flatMap { item -> [(String, JSONValue)] in
    switch item {
    case .drift(let d): return d.jsonFields
    case .event(let e): return e.jsonFields
    default: return []
    }
}
let recordCount = churnFrames[0].count
let objects: [[(String, JSONValue)]] = churnFrames[0].compactMap { item in
    switch item {
    case .drift(let d): d.jsonFields
    case .event(let e): e.jsonFields
    default: nil
    }
}
func foundationObject(_ fields: [(String, JSONValue)]) -> [String: Any] {
    var object: [String: Any] = [:]
    for (key, value) in fields {
        switch value {
        case .string(let s): object[key] = s
        case .bool(let b): object[key] = b
        case .number(let n): object[key] = n
        default: object[key] = NSNull()
        }
    }
    return object
}
let dictionaries = objects.map(foundationObject)
let repeats = 200
let foundationWrite = best(3) {
    for _ in 0..<repeats {
        for object in dictionaries { sink += (try? JSONSerialization.data(withJSONObject: object))?.count ?? 0 }
    }
}
// tail's writer: each record's fields straight into the output buffer, timestamps formatted once a second.
var writer = NDJSONFieldWriter()
writer.out.reserveCapacity(1 << 20)
let recordItems = churnFrames[0].filter { item in
    switch item {
    case .drift, .event: true
    default: false
    }
}
let byteWrite = best(3) {
    for _ in 0..<repeats {
        for item in recordItems {
            writer.out.append(contentsOf: #"{"kind":"event""#.utf8)
            item.writeFields(to: &writer)
            writer.out.append(contentsOf: "}\n".utf8)
            if writer.out.count > 1 << 19 {
                sink += writer.out.count
                writer.out.removeAll(keepingCapacity: true)
            }
        }
    }
}
let lineCount = objects.count * repeats
print("ndjson   JSONSerialization (baseline) \(rate(lineCount, foundationWrite))   byte writer \(rate(lineCount, byteWrite))   ×\(String(format: "%.1f", foundationWrite / byteWrite))   (\(records.count / max(1, recordCount)) fields a line)")

// 4. Rendering a full dashboard frame, against filling a canvas of the same size with spaces (the floor).
var state = State(settings: Settings(url: "ws://x/ws"), topics: [.all])
_ = Reducer.reduce(&state, .started(at: 1_795_748_400))
_ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: 1_795_748_400))
for i in 0..<50 { _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: 1_795_748_400 + Double(i))) }
let size = Size(width: 200, height: 60)
let renders = 200
let floor = best(3) {
    for _ in 0..<renders {
        var canvas = Canvas(size: size)
        canvas.fill(Rect(x: 0, y: 0, width: 200, height: 60), style: .plain)
        sink += canvas.size.width
    }
}
let render = best(3) {
    for _ in 0..<renders { sink += state.render(size: size).size.width }
}
print(String(format: "render   200x60 dashboard %.2f ms/frame   (blank canvas fill %.2f ms/frame)", render / Double(renders) * 1000, floor / Double(renders) * 1000))
// 4a. A filtered frame against an unfiltered one (the baseline), 120x40, with 10,000 items of history in each
// list pane: the filter's answers are decided once per item, so drawing costs the same whatever the history holds.
if wanted("filter") {
    var held = State(settings: Settings(url: "ws://x/ws", historyLimit: 10_000), topics: [.all])
    _ = Reducer.reduce(&held, .started(at: 1_795_748_400))
    _ = Reducer.reduce(&held, .connectionOpened(generation: 1, at: 1_795_748_400))
    var batch = 0
    while held.feed.drifts.count < 10_000 || held.feed.events.count < 10_000 {
        _ = Reducer.reduce(&held, .received(generation: 1, items: churnFrames[batch % frames], at: 1_795_748_400 + Double(batch)))
        batch += 1
    }
    let small = Size(width: 120, height: 40)
    let unfiltered = best(3) { for _ in 0..<renders { sink += held.render(size: small).size.width } }
    var filtered = held
    let setFilter = seconds { _ = Reducer.reduce(&filtered, .command(.setFilter("sev:high+ web1"))) }
    let filteredTime = best(3) { for _ in 0..<renders { sink += filtered.render(size: small).size.width } }
    print(String(
        format: "filter   120x40, 10,000 items a pane: unfiltered frame (baseline) %.2f ms   filtered %.2f ms   ×%.2f   (setting the filter decided %d items in %.1f ms; shown %d of %d drifts)",
        unfiltered / Double(renders) * 1000, filteredTime / Double(renders) * 1000, filteredTime / unfiltered,
        filtered.feed.drifts.count, setFilter * 1000, filtered.visibleCount(.drifts), filtered.feed.drifts.count))
}
// 4b. A hostile server's acknowledgements: 100,000 `subscribed` replies for topics nobody asked for, 1,000 a
// message, against the same number of drift messages reduced the same way (the baseline: ordinary traffic).
if wanted("acks") {
    func opened() -> State {
        var s = State(settings: Settings(url: "ws://x/ws"), topics: [.drifts])
        _ = Reducer.reduce(&s, .started(at: 1))
        _ = Reducer.reduce(&s, .connectionOpened(generation: 1, at: 1))
        _ = Reducer.reduce(&s, .received(generation: 1, items: [.control(.welcome(dialect: .real, version: "b", clientID: "c"))], at: 1))
        return s
    }
    let ackBatches: [[Incoming]] = (0..<100).map { b in (0..<1000).map { .control(.subscribed("unasked-\(b)-\($0)")) } }
    let driftBatches: [[Incoming]] = (0..<100).map { b in (0..<1000).map { i in churnFrames[(b * 1000 + i) / 256 % frames][i % 256] } }
    var acked = opened()
    let ackTime = best(3) {
        acked = opened()
        for batch in ackBatches { _ = Reducer.reduce(&acked, .received(generation: 1, items: batch, at: 2)) }
    }
    let driftTime = best(3) {
        var s = opened()
        for batch in driftBatches { _ = Reducer.reduce(&s, .received(generation: 1, items: batch, at: 2)) }
        sink += s.feed.drifts.count
    }
    print("acks     100,000 unrequested acknowledgements: \(fixed(ackTime * 1000, 1)) ms, kept \(acked.servers[0].connection.subscriptions.count) topic(s), counted \(acked.diagnostics.unrequestedAcks)   100,000 drift messages (baseline) \(fixed(driftTime * 1000, 1)) ms")
}

// 5. End to end over loopback: the in-process simulator at its maximum rate feeding two clients at once — the
// full pipeline (socket → decode on the network thread → reduce on the main loop, no screen) and a client
// that only counts the messages in the frames it receives (no decoding). The simulator drops what a slow
// client cannot take, as the real server does, so the ratio says how much of the offered stream the full
// pipeline keeps.
final class CountingFrontend: Frontend {
    let deadline: Double
    init(seconds: Double) { deadline = SystemClock.monotonic() + seconds }
    var inputDescriptor: Int32? { nil }
    var wantsToStop: Bool { SystemClock.monotonic() >= deadline }
    var wakeAt: Double? { deadline }
    func readInput(state: State) -> [Action] { [] }
    func present(state: State) {}
}

/// One end-to-end contest: the simulator at `rate` feeding a frame-counting client and the full pipeline at once.
func endToEnd(rate: Double, seconds: Double) throws {
    let before = threadIDs()
    let server = DemoServer(options: SimulatorOptions(port: 0, dialect: .real, rate: rate))
    let url = "ws://127.0.0.1:\(try server.start())/ws"
    let simulatorThreads = threadIDs().subtracting(before)
    let counter = FrameCounter(url: url)
    let inbox = Inbox()
    let beforePipeline = threadIDs()
    let pipeline = WebSocketClient(options: WebSocketClient.Options(backlog: { inbox.backlog })) { inbox.post($0) }
    let networkThreads = threadIDs().subtracting(beforePipeline)
    var pipelineState = State(settings: Settings(url: url), topics: [.all])
    pipelineState.servers[0].settings.restEnabled = false
    // Where the processor time goes while both clients run: the pipeline's network thread, its main loop (this
    // thread) and the simulator, so the row says what a message costs, not only what fraction arrived.
    let cpuBefore = (network: processorSeconds(threads: networkThreads), simulator: processorSeconds(threads: simulatorThreads), main: SystemRuntimeClock().workTime())
    let final = Runtime(state: pipelineState, inbox: inbox, client: pipeline, frontend: CountingFrontend(seconds: seconds)).run()
    let networkCPU = processorSeconds(threads: networkThreads) - cpuBefore.network
    let simulatorCPU = processorSeconds(threads: simulatorThreads) - cpuBefore.simulator
    let mainCPU = SystemRuntimeClock().workTime() - cpuBefore.main
    let countedTotal = counter.messages
    counter.shutdown()
    pipeline.shutdown()
    server.stop()
    let delivered = max(1, final.diagnostics.messagesReceived)
    let pipelineRate = Double(final.diagnostics.messagesReceived) / seconds
    let countingRate = Double(countedTotal) / seconds
    let offered = rate >= 1_000_000 ? "simulator at max" : "simulator at a steady \(fixed(rate / 1e3)) k/s"
    print("e2e      \(offered): " + String(
        format: "frame-counting client (baseline) %.0f k/s   full pipeline, no screen %.0f k/s   %.0f %%   pipeline CPU a message: network thread %.1f µs + main loop %.1f µs   simulator %.0f %% of a core",
        countingRate / 1e3, pipelineRate / 1e3, countingRate > 0 ? pipelineRate / countingRate * 100 : 0,
        networkCPU / Double(delivered) * 1e6, mainCPU / Double(delivered) * 1e6, simulatorCPU / seconds * 100))
}

if wanted("e2e") {
    let endToEndSeconds = 8.0
    try endToEnd(rate: 1_000_000, seconds: endToEndSeconds)
    // Below the simulator's maximum: whether the pipeline keeps the stream at three and five times what the real
    // server can send (about 30,000 messages a second) while the simulator shares the machine with it.
    for rate in [100_000.0, 150_000] { try endToEnd(rate: rate, seconds: endToEndSeconds) }

    // The same contest with the cheapest client that decodes: every message into records on its network thread,
    // dropped there (no store, no main loop, memory freed where it was allocated). What it keeps says how far a
    // client that decodes at all gets on this machine while the simulator and a counting client share its two
    // cores. (Not a strict bound: it does decoding and freeing on one thread, the pipeline spreads them over two.)
    let decodeServer = DemoServer(options: SimulatorOptions(port: 0, dialect: .real, rate: 1_000_000))
    let decodeURL = "ws://127.0.0.1:\(try decodeServer.start())/ws"
    let decodeCounter = FrameCounter(url: decodeURL)
    let decoder = FrameCounter(url: decodeURL, mode: .records)
    let decoderCPUBefore = processorSeconds(threads: decoder.threads)
    let countedBefore = decodeCounter.messages, decodedBefore = decoder.messages
    Thread.sleep(forTimeInterval: endToEndSeconds)
    let decoderCPU = processorSeconds(threads: decoder.threads) - decoderCPUBefore
    let counted = decodeCounter.messages - countedBefore, decoded = decoder.messages - decodedBefore
    decodeCounter.shutdown()
    decoder.shutdown()
    decodeServer.stop()
    print(String(
        format: "e2e      decode only: frame-counting client (baseline) %.0f k/s   client that decodes into records and drops them on its network thread %.0f k/s   %.0f %%   %.1f µs a message",
        Double(counted) / endToEndSeconds / 1e3, Double(decoded) / endToEndSeconds / 1e3, counted > 0 ? Double(decoded) / Double(counted) * 100 : 0,
        decoderCPU / Double(max(1, decoded)) * 1e6))
}
// 5b. `tail` NDJSON to /dev/null against the simulator at its maximum rate, next to the baseline client doing the
// same job on the same server (Python `websockets` + `json`, the README's recipe), one after the other; and how
// far the simulator can feed any client here (the frame-counting client above).
let executableDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let dashboard = executableDirectory.appendingPathComponent("tfdrift-tui").path
let haveDashboard = FileManager.default.isExecutableFile(atPath: dashboard)
if haveDashboard, wanted("tail") {
    let tailServer = DemoServer(options: SimulatorOptions(port: 0, dialect: .real, rate: 1_000_000))
    let tailPort = try tailServer.start()
    let tailURL = "ws://127.0.0.1:\(tailPort)/ws"
    let tailSeconds = 8.0
    let tail = try ChildRun.run(dashboard, ["tail", "--no-config", "--url", tailURL, "--no-rest", "--duration", String(tailSeconds)])
    var baseline = "Python websockets + json (baseline) skipped: no python3 with websockets (pip install websockets)"
    var baselineRate = 0.0
    if pythonWebSocketsAvailable() {
        let python = try ChildRun.run("/usr/bin/env", ["python3", "-c", pythonTailBaseline, tailURL, String(tailSeconds)])
        baselineRate = Double(Int(python.head.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) / tailSeconds
        let perLine = python.processorSeconds / max(1, baselineRate * tailSeconds) * 1e6
        baseline = String(format: "Python websockets + json (baseline) %.0f k/s, %.1f µs of processor time a line", baselineRate / 1e3, perLine)
    }
    // Then the frame-counting client alone on the same server for as long: the most the simulator feeds one
    // client here, the ceiling of both figures above.
    let tailCounter = FrameCounter(url: tailURL)
    Thread.sleep(forTimeInterval: tailSeconds)
    let ceilingRate = Double(tailCounter.messages) / tailSeconds
    tailCounter.shutdown()
    tailServer.stop()
    let tailRate = Double(tail.lines) / tailSeconds
    // Text goes in by interpolation: `%@` with a Swift String is not reliable in Foundation's formatter on Linux
    // (it printed "(null)" and shifted the later numbers when the baseline was skipped).
    let ratio = baselineRate > 0 ? "   ×" + fixed(tailRate / baselineRate, 1) : ""
    let ceiling = "   (a frame-counting client alone on the same server: \(fixed(ceilingRate / 1e3)) k/s)"
    let tailPerLine = tail.processorSeconds / Double(max(1, tail.lines)) * 1e6
    print("tail     NDJSON at the maximum flood: \(fixed(tailRate / 1e3)) k lines/s, \(fixed(tailPerLine, 1)) µs of processor time a line   \(baseline)\(ratio)   peak RSS \(megabytes(tail.peakResidentBytes))   --duration \(fixed(tailSeconds)): last line at \(fixed(tail.lastOutput, 3)) s, exit at \(fixed(tail.seconds, 3)) s\(ceiling)")
}

// 5c. Memory of the store after 1,000,000 and 10,000,000 distinct messages, each count in a child process of
// its own (decode → reduce into one store: what grows with messages; the screen does not).
if wanted("memory") {
    let storeMemory = try [1_000_000, 10_000_000].map { count -> Int in
        let child = try ChildRun.run(CommandLine.arguments[0], ["--store-rss", String(count)])
        return Int(child.head.split(separator: " ").first ?? "") ?? 0
    }
    let growth = storeMemory[0] > 0 ? Double(storeMemory[1]) / Double(storeMemory[0]) : 0
    print("memory   store (decode → reduce, 10,000-item histories): peak RSS after 1M messages \(megabytes(storeMemory[0])), after 10M \(megabytes(storeMemory[1])) (×\(fixed(growth, 2)))")
}

// 6. The dashboard on a pseudo-terminal (the real ncurses driver), the binary built next to this one: launch to
// first frame with --demo (the status bar drawn), and CPU at a steady 50 events/s from a separate simulator at
// 120x40 and 400x120.
// 5b. Replaying a long recording: peak RSS of `tail --replay` for 300,000 lines, against the first tenth of the
// same recording (the baseline: memory that grew with the lines would show as the ratio).
if haveDashboard, wanted("replay") {
    let folder = FileManager.default.temporaryDirectory.path
    let paths = [300_000, 30_000].map { folder + "/tfdrift-bench-replay-\(getpid())-\($0).ndjson" }
    defer { for path in paths { unlink(path) } }
    var runs: [(lines: Int, bytes: Int, run: ChildRun)] = []
    for (path, lines) in zip(paths, [300_000, 30_000]) {
        let size = try SyntheticRecording.write(lines: lines, to: path)
        runs.append((lines, size, try ChildRun.run(dashboard, ["tail", "--replay", path, "--filter", "sev:critical"])))
    }
    let (long, short) = (runs[0], runs[1])
    print("replay   tail --replay of 300,000 lines (\(megabytes(long.bytes))): peak RSS \(megabytes(long.run.peakResidentBytes)), \(rate(long.lines, long.run.seconds))   30,000 lines (baseline) \(megabytes(short.run.peakResidentBytes))   ×\(fixed(Double(long.run.peakResidentBytes) / Double(max(1, short.run.peakResidentBytes)), 2))")
}
if haveDashboard, wanted("launch") {
    var launches: [Double] = []
    for _ in 0..<5 {
        let start = Date()
        let pty = try DashboardOnPTY(executable: dashboard, arguments: ["--no-config", "--demo", "--rate", "5"], width: 120, height: 40)
        if pty.drain(for: 10, until: "help") { launches.append(Date().timeIntervalSince(start)) }
        pty.stop()
    }
    print(String(format: "launch   --demo to first frame on a 120x40 pty: best %.0f ms, median %.0f ms (%d launches)",
                 (launches.min() ?? 0) * 1000, (launches.sorted()[safe: launches.count / 2] ?? 0) * 1000, launches.count))
}
if haveDashboard, wanted("cpu") {
    let slow = DemoServer(options: SimulatorOptions(port: 0, dialect: .real, rate: 50))
    let slowPort = try slow.start()
    var cpu: [String: Double] = [:]
    for (width, height) in [(120, 40), (400, 120)] {
        let pty = try DashboardOnPTY(
            executable: dashboard, arguments: ["--no-config", "--url", "ws://127.0.0.1:\(slowPort)/ws"], width: width, height: height)
        pty.drain(for: 3)
        let before = pty.cpuSeconds
        pty.drain(for: 20)
        cpu["\(width)x\(height)"] = (pty.cpuSeconds - before) / 20
        pty.stop()
    }
    slow.stop()
    let small = cpu["120x40"] ?? 0, large = cpu["400x120"] ?? 0
    print(String(format: "cpu      50 events/s on a pty: 120x40 %.1f %% of a core   400x120 %.1f %% (×%.1f)",
                 small * 100, large * 100, small > 0 ? large / small : 0))
}
if haveDashboard, wanted("idle") {
    // Connected and quiet for a minute: what the war-room screen costs between incidents.
    let quiet = DemoServer(options: SimulatorOptions(port: 0, dialect: .real, rate: 0))
    let pty = try DashboardOnPTY(
        executable: dashboard, arguments: ["--no-config", "--url", "ws://127.0.0.1:\(try quiet.start())/ws"], width: 120, height: 40)
    pty.drain(for: 3)
    let before = pty.cpuSeconds
    pty.drain(for: 60)
    let idle = pty.cpuSeconds - before
    pty.stop()
    quiet.stop()
    print(String(format: "idle     connected, no traffic, 120x40 pty: %.2f s of CPU in 60 s", idle))
}
if haveDashboard, wanted("keys") {
    // Key press to updated screen while the simulator floods at its maximum rate: `?` until the help's note is
    // drawn, then any key closes it and the screen settles before the next sample.
    var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    var missed = 0
    let flood = try FloodRun(dashboard: dashboard, rate: 1_000_000)
    let floodPTY = flood.pty
    floodPTY.drain(for: 3)
    let floodCPUBefore = floodPTY.cpuSeconds
    let floodStart = Date()
    for _ in 0..<100 {
        let pressed = Date()
        floodPTY.type("?")
        if floodPTY.drain(for: 5, until: "key closes") {
            _ = latency.record(UInt64(Date().timeIntervalSince(pressed) * 1_000_000))
        } else {
            missed += 1
        }
        floodPTY.type("x")
        floodPTY.drain(for: 0.25)
    }
    let floodCPU = (floodPTY.cpuSeconds - floodCPUBefore) / Date().timeIntervalSince(floodStart)
    print(String(format: "keys     under the maximum flood, 120x40 pty: key → screen p50 %.1f ms  p99 %.1f ms  max %.1f ms (%d keys, %d missed; dashboard %.0f %% of a core)",
                 Double(latency.valueAtPercentile(50)) / 1000, Double(latency.valueAtPercentile(99)) / 1000, Double(latency.max) / 1000,
                 Int(latency.totalCount), missed, floodCPU * 100))
    // Then the flood alone for 10 s, and `q`: the session summary in the log says how many messages the
    // dashboard took and how many frames it drew over its whole run.
    floodPTY.drain(for: 10)
    flood.finish("the same run")
    // The same screen against a steady 100 k/s (three times what the real server can send), for 10 s.
    let steady = try FloodRun(dashboard: dashboard, rate: 100_000)
    steady.pty.drain(for: 10)
    steady.finish("a steady 100 k/s")
}

if haveDashboard, wanted("output") {
    // What the terminal receives: every byte the dashboard writes to its pty, read as fast as it comes, after
    // three seconds to settle. The baseline is the same screen connected and quiet.
    func bytesPerSecond(rate: Double, width: Int, height: Int) throws -> Double {
        let server = DemoServer(options: SimulatorOptions(port: 0, dialect: .real, rate: rate))
        let url = "ws://127.0.0.1:\(try server.start())/ws"
        defer { server.stop() }
        let pty = try DashboardOnPTY(executable: dashboard, arguments: ["--no-config", "--url", url], width: width, height: height)
        defer { pty.stop() }
        pty.drain(for: 3)
        let before = pty.bytesRead
        pty.drain(for: 10)
        return Double(pty.bytesRead - before) / 10
    }
    for (width, height) in [(120, 40), (400, 120)] {
        var cells: [String] = []
        for rate in [0.0, 5, 50, 2000] {
            let kb = try bytesPerSecond(rate: rate, width: width, height: height) / 1024
            cells.append(rate == 0 ? "quiet (baseline) \(fixed(kb, 1)) KB/s" : "\(Int(rate))/s \(fixed(kb, 1)) KB/s")
        }
        print("output   terminal bytes at \(width)x\(height): " + cells.joined(separator: "   "))
    }
}
if haveDashboard, wanted("link") {
    // A thin link: the pty drained at a fixed rate, as an ssh session over a slow connection drains it, 50
    // events/s flowing. `?` until the help box's note arrives, then any key closes it. Baseline: the same
    // unthrottled.
    let server = DemoServer(options: SimulatorOptions(port: 0, dialect: .real, rate: 50))
    let url = "ws://127.0.0.1:\(try server.start())/ws"
    for limit in [nil, 32_768.0, 8_192.0] {
        var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var missed = 0
        let pty = try DashboardOnPTY(executable: dashboard, arguments: ["--no-config", "--url", url], width: 120, height: 40)
        func drain(_ seconds: Double, until marker: String? = nil) -> Bool {
            limit.map { pty.drainThrottled(bytesPerSecond: $0, for: seconds, until: marker) } ?? pty.drain(for: seconds, until: marker)
        }
        _ = drain(10)  // the link's first minutes: the program learns what it carries
        for sample in 0..<30 {
            let pressed = Date()
            pty.type("?")
            if drain(10, until: "key closes") {
                _ = latency.record(UInt64(Date().timeIntervalSince(pressed) * 1_000_000))
            } else {
                missed += 1
            }
            // Then any key closes it, and the screen settles (both frames drain) before the next sample, as a
            // person reads before pressing the next key; the pause varies so keys land at every phase of the
            // data frames.
            pty.type("x")
            _ = drain(2.0 + Double(sample % 7) * 0.23)
        }
        pty.stop()
        let name = limit.map { "\(Int($0 / 1024)) KB/s" } ?? "unthrottled (baseline)"
        print(String(format: "link     %@, 50 events/s, 120x40: ? → help box p50 %.0f ms  p95 %.0f ms  max %.0f ms (%d keys, %d missed)",
                     name, Double(latency.valueAtPercentile(50)) / 1000, Double(latency.valueAtPercentile(95)) / 1000,
                     Double(latency.max) / 1000, Int(latency.totalCount), missed))
    }
    server.stop()
}

/// The dashboard on a 120x40 pty against its own simulator at `rate`, with a frame-counting client on the same
/// server for the dashboard's whole run: what "keeping up" is measured by. `finish` ends it with `q` and prints
/// what the dashboard's session summary says against the counter.
final class FloodRun {
    let server: DemoServer
    let counter: FrameCounter
    let started = Date()
    let log = NSTemporaryDirectory() + "tfdrift-bench-flood-\(getpid()).log"
    let pty: DashboardOnPTY

    init(dashboard: String, rate: Double) throws {
        server = DemoServer(options: SimulatorOptions(port: 0, dialect: .real, rate: rate))
        let url = "ws://127.0.0.1:\(try server.start())/ws"
        counter = FrameCounter(url: url)
        pty = try DashboardOnPTY(executable: dashboard, arguments: ["--no-config", "--url", url, "--log-file", log], width: 120, height: 40)
    }

    func finish(_ label: String) {
        defer { unlink(log) }
        let peak = pty.peakResidentBytes
        pty.type("q")
        pty.drain(for: 5, until: "\u{1B}[?1049l")
        let countedRate = Double(counter.messages) / Date().timeIntervalSince(started)
        counter.shutdown()
        pty.stop()
        server.stop()
        let summaryLine = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").last { $0.contains("session ended") }
        let summary = summaryLine.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String] } ?? [:]
        let seconds = Double(summary["seconds"] ?? "") ?? 0
        let messages = Double(summary["messages"] ?? "") ?? 0
        let dashboardRate = seconds > 0 ? messages / seconds : 0
        let kept = countedRate > 0 ? dashboardRate / countedRate * 100 : 0
        let frames = summary["frames_per_second"] ?? "?", frameCost = summary["frame_ms"] ?? "?"
        print("flood    \(label): frame-counting client (baseline) \(fixed(countedRate / 1e3)) k/s   dashboard \(fixed(dashboardRate / 1e3)) k messages/s (\(fixed(kept)) %), \(frames) frames/s (a frame \(frameCost) ms of processor time), peak RSS \(megabytes(peak))")
    }
}

if !haveDashboard {
    print("launch, cpu, keys, tail: skipped (no tfdrift-tui next to this binary; `swift build -c release` builds both)")
}
if sink == 42 { print("") }  // keeps the work observable to the optimiser

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
