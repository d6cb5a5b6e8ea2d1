import TFDriftWire

/// What a drifted resource can break (`b` in the detail view): the server's resource graph around it, from
/// `/api/v1/graph/impact/{id}` (every node within `depth` hops, either direction, with its distance) and
/// `/api/v1/graph/dependents/{id}` (the nodes that depend on it). Both answers are parsed once, bounded and
/// cleaned, when they arrive.
public struct BlastRadius: Sendable, Equatable {
    /// One answer of the graph: still asked, what it held, not there, or why it could not be asked.
    public enum Answer<Value: Sendable & Equatable>: Sendable, Equatable {
        case loading
        case found(Value)
        /// 404, or an empty result: the node is not in the server's graph.
        case notInGraph
        case failed(String)
    }

    /// One resource around the drifted one.
    public struct Node: Sendable, Equatable {
        /// As shown (cleaned, capped).
        public var id: String
        public var type: String
        public var name: String
        /// Hops from the drifted resource, 1…`maximumDepth`; nil when the server gave none we can believe.
        public var depth: Int?
        /// Whether it depends on the drifted resource (from `/dependents`), rather than only being linked to it.
        public var dependent: Bool
    }

    /// The impact answer: the nodes around the resource (itself excluded) and what was left out.
    public struct Impact: Sendable, Equatable {
        public var nodes: [Node]
        /// The server's `affected_count` when believable, else the nodes it listed.
        public var affected: Int
        /// Nodes listed beyond `maximumNodes`, or repeated, and not kept.
        public var leftOut: Int
        /// Whether the resource itself was among the nodes (the graph holds it).
        public var holdsResource: Bool
    }

    /// The hops asked for: upstream's default, inside its accepted 1…10.
    public static let depth = 3
    public static let maximumDepth = 10
    /// Nodes kept of one answer; the rest are counted. A graph of a whole account can list thousands.
    public static let maximumNodes = 500

    /// As shown (cleaned) and as the server sent it (for the paths).
    public var resourceID: String
    public var lookupID: String
    /// The server asked (the item's own).
    public var server: Int
    /// When it was asked, for the loading mark's seconds.
    public var askedAt: Double
    public var impact: Answer<Impact> = .loading
    public var dependents: Answer<Set<String>> = .loading
    /// Index into `rows` of the selected node.
    public var selected = 0

    public init(resourceID: String, lookupID: String, server: Int, askedAt: Double) {
        self.resourceID = resourceID
        self.lookupID = lookupID
        self.server = server
        self.askedAt = askedAt
    }

    /// The nodes as listed: nearest first, dependents before merely linked ones, then by type and id. A node the
    /// dependents answer names is marked whether or not that answer came first.
    public var rows: [Node] {
        guard case .found(let impact) = impact else { return [] }
        let dependentIDs: Set<String>
        if case .found(let ids) = dependents { dependentIDs = ids } else { dependentIDs = [] }
        return impact.nodes.map { node in
            var node = node
            node.dependent = dependentIDs.contains(node.id)
            return node
        }.sorted { a, b in
            let da = a.depth ?? Int.max, db = b.depth ?? Int.max
            if da != db { return da < db }
            if a.dependent != b.dependent { return a.dependent }
            return (a.type, a.id) < (b.type, b.id)
        }
    }

    /// How many of each type, most first: the first line an operator reads.
    public static func countsByType(_ rows: [Node]) -> [(type: String, count: Int)] {
        var counts: [String: Int] = [:]
        for row in rows { counts[row.type.isEmpty ? "(no type)" : row.type, default: 0] += 1 }
        return counts.map { (type: $0.key, count: $0.value) }.sorted { ($1.count, $0.type) < ($0.count, $1.type) }
    }

    /// `/graph/impact`'s `data`. Nodes without an id, repeated ids and nodes past the cap are counted, not kept;
    /// a distance that is not a whole number in 1…10 is shown as unknown.
    static func impact(from lookup: Lookup, resource: String) -> Answer<Impact> {
        switch lookup {
        case .loading: return .loading
        case .notFound: return .notInGraph
        case .failed(let why): return .failed(why)
        case .found(let data):
            guard let listed = data["nodes"]?.arrayValue else { return .failed("the answer has no list of nodes") }
            var distances: [String: Int] = [:]
            for pair in (data["distances"]?.objectValue?.pairs ?? []).prefix(4 * maximumNodes) {
                if let hops = pair.value.numberValue.flatMap(Checked.integer), (0...maximumDepth).contains(hops) {
                    distances[pair.key] = hops
                }
            }
            var seen: Set<String> = []
            var nodes: [Node] = []
            var leftOut = 0
            var holdsResource = false
            for item in listed {
                guard let raw = nodeID(item) else {
                    leftOut += 1
                    continue
                }
                if raw == resource {
                    holdsResource = true
                    continue
                }
                guard nodes.count < maximumNodes, seen.insert(raw).inserted else {
                    leftOut += 1
                    continue
                }
                let properties = item["properties"]
                nodes.append(Node(
                    id: Sanitizer.clean(raw, limit: 300),
                    type: Sanitizer.clean(properties?["type"]?.stringValue ?? label(item) ?? "", limit: 80),
                    name: Sanitizer.clean(properties?["name"]?.stringValue ?? "", limit: 120),
                    depth: distances[raw].flatMap { $0 >= 1 ? $0 : nil }, dependent: false))
            }
            guard holdsResource || !nodes.isEmpty else { return .notInGraph }
            let claimed = data["affected_count"]?.numberValue.flatMap(Checked.count)
            // The server counts the resource itself among the affected; a claim below what it listed is not believed.
            let affected = max(claimed.map { holdsResource ? max(0, $0 - 1) : $0 } ?? 0, nodes.count + leftOut)
            return .found(Impact(nodes: nodes, affected: affected, leftOut: leftOut, holdsResource: holdsResource))
        }
    }

    /// `/graph/dependents`' `data`: the ids (cleaned as shown) of the nodes that depend on the resource.
    static func dependents(from lookup: Lookup) -> Answer<Set<String>> {
        switch lookup {
        case .loading: return .loading
        case .notFound: return .notInGraph
        case .failed(let why): return .failed(why)
        case .found(let data):
            guard let listed = data["dependents"]?.arrayValue else { return .failed("the answer has no list of dependents") }
            var ids: Set<String> = []
            for item in listed.prefix(4 * maximumNodes) {
                if let raw = nodeID(item) { ids.insert(Sanitizer.clean(raw, limit: 300)) }
            }
            return .found(ids)
        }
    }

    /// A node's id, bounded before anything else is done with it.
    static func nodeID(_ item: JSONValue) -> String? {
        guard let id = item["id"]?.stringValue, !id.isEmpty, id.utf8.count <= 2048 else { return nil }
        return id
    }

    /// Without a `type` property, the most specific label (`["Resource","EC2"]` → `EC2`).
    static func label(_ item: JSONValue) -> String? {
        item["labels"]?.arrayValue?.compactMap(\.stringValue).last { $0 != "Resource" && $0 != "Drifted" }
    }

    /// The filter term that shows what the client holds about a node: its id, which `res:` finds in drifts'
    /// ids and in events' and state changes' resource text. Blanks cannot stand in a term, so they become `?`.
    public static func filterTerm(for node: Node) -> String {
        let id = String(node.id.map { $0 == " " || $0 == "\t" ? "?" : $0 })
        return id.contains("?") ? "res:*\(id)*" : "res:\(id)"
    }
}
