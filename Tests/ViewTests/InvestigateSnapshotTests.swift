import Foundation
import Testing
@testable import TFDriftCore
@testable import TFDriftView
import TFDriftWire

/// Canvas snapshots of the investigation screens (compare with `Snapshots/`, `UPDATE_SNAPSHOTS=1` rewrites).
struct InvestigateSnapshotTests {
    /// A critical IAM drift whose old and new values are policy documents, as the real server sends it.
    static let iamDrift = #"{"type":"data","topic":"drift","data":{"attribute":"policy","matched_rules":["iam-policy-change","admin-access"],"new_value":{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"},{"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Resource":"arn:aws:s3:::audit-logs/*"}],"Version":"2012-10-17"},"old_value":{"Statement":[{"Action":["s3:GetObject"],"Effect":"Allow","Resource":"arn:aws:s3:::audit-logs/*"}],"Version":"2012-10-17"},"resource_id":"arn:aws:iam::230446364776:policy/deploy","resource_name":"deploy","resource_type":"aws_iam_policy","severity":"critical","timestamp":"","user_identity":{"Type":"AssumedRole","PrincipalID":"AROAEXAMPLE:alice","ARN":"arn:aws:sts::230446364776:assumed-role/Admin/alice@corp.example","AccountID":"230446364776","UserName":"alice@corp.example"}},"timestamp":"2026-11-27T03:00:40Z"}"#

    static func state(size: Size) -> State {
        var state = DashboardSnapshotTests.knownState()
        let items = Ingest.items(from: FrameDecoder.decode(iamDrift), receivedAt: state.now)
        _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: state.now))
        _ = Reducer.reduce(&state, .resized(width: size.width, height: size.height, pageRows: Layout.pageRows(size)))
        return state
    }

    func check(_ canvas: Canvas, _ name: String) throws {
        try DashboardSnapshotTests().check(canvas, name)
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func detailOfADriftWithLongJSONValues(size: Size) throws {
        var state = Self.state(size: size)
        for key in "/type:aws_iam* sev:crit" { _ = Reducer.reduce(&state, .key(.character(key))) }
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .key(.enter))
        let canvas = Dashboard.render(state, size: size)
        #expect(canvas.text.contains("OLD") && canvas.text.contains("NEW"))
        #expect(canvas.text.contains("arn:aws:sts::230446364776:assumed-role/Admin/alice@corp.example") || size.width < 100)
        try check(canvas, "detail-\(size.width)x\(size.height)")
    }

    /// Terraform keeps IAM policies as JSON strings; the detail shows the document, not an escaped line.
    @Test func aPolicyHeldInAStringIsShownAsTheDocument() {
        let line = #"{"type":"data","topic":"drift","data":{"attribute":"policy","new_value":"{\"Action\":\"*\"}","old_value":"{\"Action\":\"s3:GetObject\"}","resource_id":"p","resource_name":"ci","resource_type":"aws_iam_policy","severity":"critical","timestamp":"","user_identity":{}},"timestamp":""}"#
        let size = Size(width: 80, height: 24)
        var state = DashboardSnapshotTests.knownState()
        _ = Reducer.reduce(&state, .received(generation: 1, items: Ingest.items(from: FrameDecoder.decode(line), receivedAt: state.now), at: state.now))
        _ = Reducer.reduce(&state, .key(.enter))
        let text = Dashboard.render(state, size: size).text
        #expect(text.contains("-   \"Action\": \"s3:GetObject\"") && text.contains("+   \"Action\": \"*\""), "\(text)")
        #expect(!text.contains("\\\""), "no escaped quotes left")
    }

    @Test func theRawMessageIsOneKeyAway() throws {
        let size = Size(width: 80, height: 24)
        var state = Self.state(size: size)
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .key(.character("r")))
        let canvas = Dashboard.render(state, size: size)
        #expect(canvas.row(1).contains("Raw message"))
        #expect(canvas.text.contains("\"type\": \"data\""))
    }

    @Test(arguments: [Size(width: 80, height: 24), Size(width: 200, height: 60)])
    func filterLineMarksAnInvalidTerm(size: Size) throws {
        var state = Self.state(size: size)
        for key in "/sev:crit bogus:x" { _ = Reducer.reduce(&state, .key(.character(key))) }
        let canvas = Dashboard.render(state, size: size)
        #expect(canvas.row(size.height - 1).contains("unknown field bogus, ignored"))
        #expect(canvas.row(1).contains("Drifts 8/32 /sev:crit bogus:x"))
        try check(canvas, "filter-\(size.width)x\(size.height)")
    }
}
