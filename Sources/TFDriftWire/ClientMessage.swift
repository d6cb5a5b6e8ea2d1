/// A message the client sends. Both dialects accept the same shapes.
public enum ClientMessage: Sendable, Equatable {
    case subscribe(String)
    case unsubscribe(String)
    case ping
    case query(JSONValue)
    /// Sets the real server's provider filter; an empty string clears it.
    case filter(provider: String)

    /// The real server closes the connection (code 1009) on any message larger than this.
    public static let maximumBytes = 512

    public var json: JSONValue {
        switch self {
        case .subscribe(let topic): ["type": "subscribe", "topic": .string(topic)]
        case .unsubscribe(let topic): ["type": "unsubscribe", "topic": .string(topic)]
        case .ping: ["type": "ping"]
        case .query(let payload): ["type": "query", "payload": payload]
        case .filter(let provider): ["type": "filter", "provider": .string(provider)]
        }
    }

    /// The encoded text, or `WireError.tooLarge` when it would break the 512-byte limit.
    public func encoded() throws(WireError) -> String {
        let text = json.jsonText
        let size = text.utf8.count
        guard size <= ClientMessage.maximumBytes else {
            throw WireError.tooLarge(bytes: size, limit: ClientMessage.maximumBytes)
        }
        return text
    }

    /// A short label for logs and the status bar.
    public var summary: String {
        switch self {
        case .subscribe(let topic): "subscribe \(topic)"
        case .unsubscribe(let topic): "unsubscribe \(topic)"
        case .ping: "ping"
        case .query: "query"
        case .filter(let provider): provider.isEmpty ? "filter cleared" : "filter \(provider)"
        }
    }
}
