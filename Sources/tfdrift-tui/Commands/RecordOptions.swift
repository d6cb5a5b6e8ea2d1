import ArgumentParser
import TFDriftCore
import TFDriftRuntime

/// `--record` for the dashboard and `tail`.
struct RecordOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Record every message as received, every REST answer the screen used, connection changes and topic/filter changes to FILE (NDJSON, mode 600; see `replay`).",
        valueName: "FILE"), completion: .file())
    var record: String?

    @Option(name: .long, help: "Continue the recording in FILE.1, FILE.2, … past this size: 100MB, 512KB, or bytes.")
    var recordMaxSize: String = "100MB"

    func validate() throws {
        if RecordOptions.bytes(recordMaxSize) == nil { throw ValidationError("--record-max-size: expected a size such as 100MB, 512KB or 4096") }
    }

    /// The recorder, when asked for; a file that cannot be created stops the program with the reason.
    func recorder(state: State, startedAt: Double) throws -> Recorder? {
        guard let record else { return nil }
        switch Recorder.create(path: record, maximumSize: RecordOptions.bytes(recordMaxSize) ?? 100_000_000, state: state, startedAt: startedAt) {
        case .success(let recorder): return recorder
        case .failure(let error): throw RuntimeFailure("--record: \(error.reason)")
        }
    }

    static func bytes(_ text: String) -> Int? {
        let upper = text.uppercased()
        let units: [(String, Int)] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            guard let number = Int(upper.dropLast(suffix.count)), number > 0, number <= Int(Int32.max) else { return nil }
            return number * factor
        }
        guard let number = Int(upper), number > 0 else { return nil }
        return number
    }
}
