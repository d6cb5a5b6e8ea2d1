import Foundation
import TFDriftCore

/// `tfdrift-bench --store-rss N`, run by the benchmark as a child so that nothing else it did counts: N distinct
/// real-server messages decoded and reduced into one store (the dashboard's pipeline without the socket and the
/// screen, whose memory does not grow with messages), then the process's peak resident memory, in bytes.
func storeMemoryChild(messages: Int, shapes: [String]) -> Never {
    // One frame of 256 lines whose ten-digit numbers are rewritten in place for every frame: distinct resources
    // (new dedupe keys, evictions) without formatting a string per message.
    let marker = "0000000000"
    var frame = Array((0..<256).map { shapes[$0 % shapes.count].replacingOccurrences(of: "%d", with: marker) }.joined(separator: "\n").utf8)
    let markerBytes = Array(marker.utf8)
    var offsets: [Int] = []
    var i = 0
    while i + markerBytes.count <= frame.count {
        if frame[i..<(i + markerBytes.count)].elementsEqual(markerBytes) {
            offsets.append(i)
            i += markerBytes.count
        } else {
            i += 1
        }
    }
    var state = State(settings: Settings(url: "ws://x/ws"), topics: [.all])
    let start = 1_795_748_400.0
    _ = Reducer.reduce(&state, .started(at: start))
    _ = Reducer.reduce(&state, .connectionOpened(generation: 1, at: start))
    var delivered = 0
    var frameIndex = 0
    while delivered < messages {
        for (line, offset) in offsets.enumerated() {
            var n = frameIndex * offsets.count + line
            for digit in stride(from: markerBytes.count - 1, through: 0, by: -1) {
                frame[offset + digit] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
            }
        }
        let at = start + Double(frameIndex) / 100
        let items = frame.withUnsafeBufferPointer { Ingest.items(fromFrame: $0, receivedAt: at) }
        _ = Reducer.reduce(&state, .received(generation: 1, items: items, at: at))
        delivered += items.count
        frameIndex += 1
    }
    print(residentHighWater(of: getpid()), state.feed.drifts.count)
    exit(0)
}
