import TFDriftWire

/// The simulator's resource graph, over its own Terraform state: what the real server builds from the state file
/// and serves at `/api/v1/graph/impact/{id}` and `/graph/dependents/{id}`, with the same shapes and status codes.
/// Nodes are the catalog's resources (any id the simulator used for one names it) and the network around them.
struct ResourceGraph: Sendable {
    struct Node: Sendable {
        var id: String
        var type: String
        var name: String
        /// A drifting catalog resource: ids that start with it name this node.
        var idPrefix: String?
    }

    var nodes: [Node]
    /// `from` depends on `to` (the real server's DEPENDS_ON, PART_OF, APPLIES_TO… all count the same here).
    var edges: [(from: Int, to: Int)]

    static let standard: ResourceGraph = {
        var nodes: [Node] = Catalog.resources.map { r in
            var id = r.idPrefix
            while id.hasSuffix("-") || id.hasSuffix("/") { id.removeLast() }
            return Node(id: id, type: r.type, name: r.name, idPrefix: r.idPrefix)
        }
        let network: [(String, String, String)] = [
            ("vpc-0demo", "aws_vpc", "main"), ("subnet-0demoa", "aws_subnet", "private_a"), ("subnet-0demob", "aws_subnet", "private_b"),
            ("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0demo", "aws_lb_target_group", "web"),
            ("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/0demo", "aws_lb", "web"),
            ("Z0DEMO_www.example.com_A", "aws_route53_record", "www"),
            ("arn:aws:iam::123456789012:instance-profile/web", "aws_iam_instance_profile", "web"),
        ]
        nodes += network.map { Node(id: $0.0, type: $0.1, name: $0.2, idPrefix: nil) }
        func index(_ type: String, _ name: String) -> Int { nodes.firstIndex { $0.type == type && $0.name == name }! }
        let dependsOn: [((String, String), (String, String))] = [
            (("aws_subnet", "private_a"), ("aws_vpc", "main")), (("aws_subnet", "private_b"), ("aws_vpc", "main")),
            (("aws_security_group", "web_sg"), ("aws_vpc", "main")),
            (("aws_instance", "web"), ("aws_subnet", "private_a")), (("aws_instance", "web"), ("aws_security_group", "web_sg")),
            (("aws_instance", "web"), ("aws_iam_instance_profile", "web")), (("aws_iam_instance_profile", "web"), ("aws_iam_role", "admin")),
            (("aws_iam_role", "admin"), ("aws_iam_policy", "ci_deploy")),
            (("aws_db_instance", "main"), ("aws_subnet", "private_b")), (("aws_db_instance", "main"), ("aws_security_group", "web_sg")),
            (("aws_db_instance", "main"), ("aws_kms_key", "data")),
            (("aws_lambda_function", "ingest"), ("aws_iam_role", "admin")), (("aws_lambda_function", "ingest"), ("aws_s3_bucket", "audit_logs")),
            (("aws_s3_bucket", "audit_logs"), ("aws_kms_key", "data")),
            (("aws_lb_target_group", "web"), ("aws_instance", "web")), (("aws_lb", "web"), ("aws_lb_target_group", "web")),
            (("aws_lb", "web"), ("aws_security_group", "web_sg")), (("aws_route53_record", "www"), ("aws_lb", "web")),
        ]
        let edges = dependsOn.map { (from: index($0.0.0, $0.0.1), to: index($0.1.0, $0.1.1)) }
        return ResourceGraph(nodes: nodes, edges: edges)
    }()

    /// The node an id names: its own id, or any id the simulator made for that catalog resource.
    func node(for id: String) -> Int? {
        nodes.firstIndex { $0.id == id } ?? nodes.firstIndex { $0.idPrefix.map(id.hasPrefix) ?? false }
    }

    /// Hops from `start` to every node within `depth`, following edges either way (the real server's impact radius).
    func distances(from start: Int, depth: Int) -> [Int: Int] {
        var distances = [start: 0]
        var queue = [start]
        while !queue.isEmpty {
            let current = queue.removeFirst()
            let hops = distances[current]!
            guard hops < depth else { continue }
            for edge in edges {
                let neighbour = edge.from == current ? edge.to : edge.to == current ? edge.from : nil
                if let neighbour, distances[neighbour] == nil {
                    distances[neighbour] = hops + 1
                    queue.append(neighbour)
                }
            }
        }
        return distances
    }

    /// Every node that depends on `start`, directly or through others, within `depth`.
    func dependents(of start: Int, depth: Int) -> [Int] {
        var seen: Set<Int> = [start]
        var found: [Int] = []
        var frontier = [start]
        for _ in 0..<depth {
            var next: [Int] = []
            for current in frontier {
                for edge in edges where edge.to == current && seen.insert(edge.from).inserted {
                    found.append(edge.from)
                    next.append(edge.from)
                }
            }
            frontier = next
        }
        return found
    }

    func json(_ index: Int, id: String? = nil) -> JSONValue {
        let node = nodes[index]
        let id = id ?? node.id
        return [
            "id": .string(id), "labels": ["Resource", .string(node.type)],
            "properties": [
                "id": .string(id), "type": .string(node.type), "name": .string(node.name), "has_drift": .bool(node.idPrefix != nil),
                "mode": "managed", "provider": "registry.terraform.io/hashicorp/aws",
            ],
        ]
    }

    /// The answer to a graph route: status and body. `depth` as the query gave it (nil: the route's default).
    func answer(route: String, id: String, depth: String?, loaded: Bool) -> CannedAnswer {
        let impact = route == "impact"
        guard let depthAsked = Int(depth ?? (impact ? "3" : "5")), (1...10).contains(depthAsked) else {
            return CannedAnswer(status: 400, body: "{\"success\":false,\"error\":{\"code\":400,\"message\":\"depth must be between 1 and 10\"}}\n")
        }
        // An id the graph does not hold, or no state loaded: an empty result, as upstream answers (not 404).
        let start = loaded ? node(for: id) : nil
        let data: JSONValue
        if impact {
            let hops = start.map { self.distances(from: $0, depth: depthAsked) } ?? [:]
            let order = hops.keys.sorted()
            let nodes = order.map { json($0, id: $0 == start ? id : nil) }
            let hopsByID = JSONObject(order.map { (key: $0 == start ? id : self.nodes[$0].id, value: JSONValue.number(Double(hops[$0]!))) })
            data = [
                "node_id": .string(id), "depth": .number(Double(depthAsked)), "affected_count": .number(Double(nodes.count)),
                "nodes": .array(nodes), "distances": .object(hopsByID),
            ]
        } else {
            let found = start.map { dependents(of: $0, depth: depthAsked) } ?? []
            data = [
                "node_id": .string(id), "depth": .number(Double(depthAsked)), "count": .number(Double(found.count)),
                "dependents": .array(found.map { json($0) }),
            ]
        }
        return CannedAnswer(status: 200, body: "{\"success\":true,\"data\":\(data.jsonText)}\n")
    }
}
