#if canImport(Glibc)
import Glibc
#endif
import TFDriftConfig
import TFDriftCore
import TFDriftRuntime
import TFDriftView
import TFDriftWire

/// libFuzzer targets for the pure parts that see server bytes first. Each checks an invariant and traps when
/// it breaks, so libFuzzer (with AddressSanitizer) reports the input. Built with `Scripts/fuzz.sh`; in an
/// ordinary build this executable replays files (regression inputs) through every target.
enum FuzzTarget: String, CaseIterable {
    case frame, json, decoder, sanitizer, width, recording, yaml

    func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .frame:
            var lines = 0
            FrameDecoder.forEachLine(bytes) { _ in lines += 1 }
            precondition(lines <= bytes.count * 2 + 1)
        case .json:
            guard let (value, _) = try? JSONParser.parseReportingRepairs(buffer: bytes) else { return }
            // What we write, we read back the same: the writer's escaping and the parser agree.
            let again = try? JSONParser.parse(value.jsonText)
            precondition(again == value, "round trip changed the value")
            precondition(TerminalSafety.isClean(value.jsonText), "the JSON writer let an unsafe character through")
        case .decoder:
            for item in Ingest.items(fromFrame: bytes, receivedAt: 0) {
                if case .event(let event) = item, case .other(let name) = event.topic {
                    precondition(TerminalSafety.isClean(name) && name.utf8.count <= Ingest.maximumTopicBytes + 3)
                }
                let raw: String
                switch item {
                case .drift(let d): raw = d.raw
                case .event(let e): raw = e.raw
                case .stateChange(let c): raw = c.raw
                default: raw = ""
                }
                precondition(TerminalSafety.isClean(raw) && raw.utf8.count <= Ingest.maximumRawBytes + 3, "raw line not clean or too long")
            }
        case .sanitizer:
            let text = String(decoding: bytes, as: UTF8.self)
            for limit in [0, 16, 1024] {
                let clean = Sanitizer.clean(text, limit: limit)
                precondition(TerminalSafety.isClean(clean), "unsafe character survived the sanitiser")
                precondition(clean.utf8.count <= limit + 3, "cap exceeded")
            }
        case .width:
            let text = String(decoding: bytes, as: UTF8.self)
            var canvas = Canvas(size: Size(width: 12, height: 1))
            let used = canvas.draw(text, x: 1, y: 0, style: .plain, maxWidth: 10)
            precondition(used <= 10, "drew past its width")
            var cells = 0
            for x in 0..<12 where !canvas[x, 0].isContinuation {
                let cell = canvas[x, 0].text
                precondition(TerminalSafety.isClean(cell), "unsafe cell")
                cells += TextWidth.measured(Character(cell)) ?? 100
            }
            precondition(cells == 12, "row is \(cells) cells wide")
            let cut = TextWidth.truncate(text, to: 7)
            precondition(TextWidth.width(of: cut) <= 7)
        case .recording:
            // A recording is as hostile as a server: its first line is the header (or a default start), every
            // other line is decoded and played through the store; nothing in it may trap.
            var state = State(settings: Settings(url: "ws://fuzz/ws"), topics: [.drifts, .events])
            var first = true
            FrameDecoder.forEachLineOfBytes(bytes) { line in
                guard let json = try? JSONParser.parse(line) else { return }
                if first, case .success(let start) = RecordingCodec.initialState(header: json) {
                    first = false
                    state = start
                    return
                }
                first = false
                guard case .success(let decoded) = RecordingCodec.decode(json) else { return }
                for action in decoded.actions { _ = Reducer.reduce(&state, Runtime.decoded(action)) }
            }
            precondition(state.servers.allSatisfy { $0.connection.subscriptions.count <= 64 }, "acknowledgements grew the table")
        case .yaml:
            let text = String(decoding: bytes, as: UTF8.self)
            let config = Configuration.resolve(file: (path: "fuzz.yaml", text: text), environment: [:], flags: [:])
            let theme = ThemeFile.parse(text, path: "fuzz.yaml")
            // A file refused for an alias is refused whole: nothing of it is half-applied.
            if config.problems.contains(where: { $0.message.hasPrefix("aliases") }) {
                let untouched = Configuration.resolve(file: nil, environment: [:], flags: [:])
                precondition(config.values == untouched.values && config.problems.count == 1, "an aliased configuration was half-applied")
            }
            if theme.problems.contains(where: { $0.message.hasPrefix("aliases") }) {
                precondition(theme.problems.count == 1, "an aliased theme was half-read")
            }
        }
    }
}

#if FUZZING
/// The target comes from `TFDRIFT_FUZZ_TARGET` (frame, json, decoder, sanitizer, width, recording, yaml).
let selectedTarget: FuzzTarget = {
    guard let name = getenv("TFDRIFT_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        fatalError("set TFDRIFT_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}
#else
/// Replays the given files through every target: the regression inputs under `Fuzz/regressions`.
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = fread(&chunk, 1, chunk.count, file)
                if n <= 0 { break }
                bytes += chunk[0..<n]
            }
            fclose(file)
            for target in FuzzTarget.allCases { bytes.withUnsafeBufferPointer { target.run($0) } }
        }
    }
}
#endif
