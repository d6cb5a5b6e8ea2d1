import Foundation
import Testing

/// Inputs the fuzzers and the differential test found, replayed through every libFuzzer target's invariants
/// by the ordinary build of `tfdrift-fuzz` (a trap fails the run).
struct FuzzRegressionTests {
    @Test func everyRegressionInputHoldsEveryTargetsInvariants() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/regressions").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0).path }
        #expect(files.count >= 4)
        let result = try run(try productPath("tfdrift-fuzz"), files)
        #expect(result.status == 0, "a regression input broke an invariant: \(result.err)")
    }
}
