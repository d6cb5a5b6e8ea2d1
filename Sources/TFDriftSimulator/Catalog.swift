import TFDriftWire

/// The kinds of traffic the simulator produces.
/// The kinds of event the simulator sends: the wire module's own topics, so a kind it sends is one the client
/// knows by the same name.
typealias SimulatedKind = EventTopic

extension EventTopic {
    /// Documented-dialect `type` and `topic`; nil for kinds the documented API does not have.
    var documented: (type: String, topic: String)? {
        switch self {
        case .drift: ("drift", "drifts")
        case .falco: ("falco", "events")
        case .stateChange: ("state_change", "state")
        default: nil
        }
    }
}

/// One pre-rendered event: the JSON payload split around the place where a per-event sequence number goes,
/// so that floods of 100,000+ events a second cost a concatenation each rather than a full rendering.
struct EventTemplate: Sendable {
    var kind: SimulatedKind
    var severity: String
    var resourceType: String
    /// The resource id without its per-event suffix (REST's `id` is the resource id).
    var idPrefix: String = ""
    /// Payload text before and after the sequence number (the real server's shape).
    var realHead: String
    var realTail: String
    /// The documented API's payload, same split.
    var documentedHead: String
    var documentedTail: String

    func realPayload(seq: Int) -> String { realHead + String(seq, radix: 16) + realTail }
    func documentedPayload(seq: Int) -> String { documentedHead + String(seq, radix: 16) + documentedTail }
}

/// Realistic drift, runtime and state traffic across AWS (and a little GCP/Azure) resource types.
struct Catalog: Sendable {
    var templates: [EventTemplate] = []
    /// Indexes into `templates` by kind, for weighted picking.
    var byKind: [SimulatedKind: [Int]] = [:]

    struct Resource {
        var type: String
        var name: String
        var idPrefix: String
        var changes: [(attribute: String, old: JSONValue, new: JSONValue, severity: String, rule: String?)]
    }

    static let resources: [Resource] = [
        Resource(type: "aws_iam_policy", name: "ci_deploy", idPrefix: "ANPAI23HZ27SI6FQM", changes: [
            ("policy", "{\"Action\":\"s3:GetObject\"}", "{\"Action\":\"*\"}", "critical", "iam-wildcard"),
            ("description", "CI deploy", "temp fix", "low", nil),
        ]),
        Resource(type: "aws_iam_role", name: "admin", idPrefix: "AROA5EXAMPLEADMIN", changes: [
            ("max_session_duration", 3600, 43200, "high", "iam-session"),
            ("assume_role_policy", ["Principal": ["Service": "ec2.amazonaws.com"]], ["Principal": ["AWS": "*"]], "critical", "iam-trust"),
        ]),
        Resource(type: "aws_security_group", name: "web_sg", idPrefix: "sg-0a1b2c3d", changes: [
            ("ingress", [["cidr_blocks": ["10.0.0.0/8"], "from_port": 443]], [["cidr_blocks": ["0.0.0.0/0"], "from_port": 22]], "critical", "open-ssh"),
            ("tags.Owner", "platform", nil, "low", nil),
        ]),
        Resource(type: "aws_s3_bucket", name: "audit_logs", idPrefix: "corp-audit-logs-", changes: [
            ("acl", "private", "public-read", "critical", "public-bucket"),
            ("versioning.enabled", true, false, "high", "s3-versioning"),
        ]),
        Resource(type: "aws_instance", name: "web", idPrefix: "i-0demoweb", changes: [
            ("instance_type", "t3.micro", "t3.2xlarge", "high", "instance-type-change"),
            ("(resource modified out-of-band)", nil, "ModifyInstanceAttribute", "medium", nil),
            ("disable_api_termination", true, false, "medium", nil),
        ]),
        Resource(type: "aws_db_instance", name: "main", idPrefix: "prod-main-db-", changes: [
            ("publicly_accessible", false, true, "critical", "rds-public"),
            ("backup_retention_period", 7, 0, "high", "rds-backups"),
        ]),
        Resource(type: "aws_lambda_function", name: "ingest", idPrefix: "ingest-", changes: [
            ("timeout", 30, 900, "low", nil),
            ("environment.variables.LOG_LEVEL", "info", "debug", "low", nil),
        ]),
        Resource(type: "aws_kms_key", name: "data", idPrefix: "1234abcd-12ab-34cd-", changes: [
            ("enable_key_rotation", true, false, "high", "kms-rotation"),
        ]),
        Resource(type: "google_compute_firewall", name: "allow_internal", idPrefix: "projects/demo/fw-", changes: [
            ("source_ranges", ["10.128.0.0/9"], ["0.0.0.0/0"], "critical", "gcp-open-fw"),
        ]),
        Resource(type: "azurerm_network_security_group", name: "app", idPrefix: "/subscriptions/demo/nsg-", changes: [
            ("security_rule.0.access", "Deny", "Allow", "high", nil),
        ]),
    ]

    static let users: [(type: String, arn: String, account: String, name: String)] = [
        ("AssumedRole", "arn:aws:sts::230446364776:assumed-role/Admin/alice@corp.example", "230446364776", "alice@corp.example"),
        ("IAMUser", "arn:aws:iam::123456789012:user/bob", "123456789012", "bob"),
        ("AssumedRole", "arn:aws:sts::230446364776:assumed-role/ci/github-actions", "230446364776", "github-actions"),
        ("IAMUser", "arn:aws:iam::123456789012:user/mallory", "123456789012", "mallory"),
        ("Root", "arn:aws:iam::123456789012:root", "123456789012", ""),
    ]

    static let falcoRules: [(rule: String, severity: String, output: String)] = [
        ("Terminal shell in container", "high", "A shell was spawned in a container with an attached terminal (user=root proc=bash image=nginx:1.25)"),
        ("Write below etc", "critical", "File below /etc opened for writing (user=root command=vi /etc/passwd file=/etc/passwd)"),
        ("Unexpected outbound connection", "medium", "Outbound connection to a non-allowlisted destination (connection=10.0.3.7:43122->198.51.100.9:4444)"),
        ("Read sensitive file untrusted", "high", "Sensitive file opened for reading by non-trusted program (file=/etc/shadow proc=python3)"),
        ("Launch Privileged Container", "critical", "Privileged container started (image=alpine:3.20 container=debug-pod)"),
        ("Contact K8S API Server From Container", "low", "Unexpected connection to K8s API Server from container (command=curl)"),
    ]

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func hex(_ n: Int) -> String {
            (0..<n).map { _ in String(Int.random(in: 0..<16, using: &rng), radix: 16) }.joined()
        }
        for resource in Catalog.resources {
            for change in resource.changes {
                for user in Catalog.users.prefix(3 + Int.random(in: 0..<2, using: &rng)) {
                    add(driftFor: resource, change: change, user: user)
                }
            }
            add(unmanagedFor: resource, suffix: hex(6))
            for decision in ["deny", "alert", "allow", "remediate"] {
                add(policyFor: resource, decision: decision)
            }
            add(remediationFor: resource, uuid: "\(hex(8))-\(hex(4))-4\(hex(3))-a\(hex(3))-\(hex(12))")
            for action in ["modified", "created", "deleted"] {
                add(stateFor: resource, action: action, serial: Int.random(in: 40..<400, using: &rng))
            }
        }
        for rule in Catalog.falcoRules {
            for _ in 0..<3 { add(falco: rule, container: hex(12)) }
        }
        for (i, t) in templates.enumerated() { byKind[t.kind, default: []].append(i) }
    }

    static func identity(_ user: (type: String, arn: String, account: String, name: String)) -> JSONValue {
        ["Type": .string(user.type), "PrincipalID": "", "ARN": .string(user.arn), "AccountID": .string(user.account), "UserName": .string(user.name)]
    }

    /// Renders an object with a placeholder string value, then splits the text around it.
    static func split(_ object: JSONValue) -> (String, String) {
        let text = object.jsonText
        guard let range = text.firstRange(of: marker) else { return (text, "") }
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }

    static let marker = "@@SEQ@@"

    mutating func add(
        driftFor r: Resource, change: (attribute: String, old: JSONValue, new: JSONValue, severity: String, rule: String?),
        user: (type: String, arn: String, account: String, name: String)
    ) {
        let id = JSONValue.string(r.idPrefix + Catalog.marker)
        let real: JSONValue = [
            "attribute": .string(change.attribute), "matched_rules": change.rule.map { [.string($0)] } ?? .null,
            "new_value": change.new, "old_value": change.old, "resource_id": id, "resource_name": .string(r.name),
            "resource_type": .string(r.type), "severity": .string(change.severity), "timestamp": "",
            "user_identity": Catalog.identity(user),
        ]
        let documented: JSONValue = [
            "severity": .string(change.severity), "resource_type": .string(r.type), "resource_id": id,
            "old_value": change.old, "new_value": change.new, "user": .string(user.name.isEmpty ? user.arn : user.name),
        ]
        append(.drift, change.severity, r.type, real, documented)
        templates[templates.count - 1].idPrefix = r.idPrefix
    }

    mutating func add(unmanagedFor r: Resource, suffix: String) {
        let creators = [
            "aws_instance": "RunInstances", "aws_s3_bucket": "CreateBucket", "aws_security_group": "CreateSecurityGroup",
            "aws_iam_policy": "CreatePolicy", "aws_iam_role": "CreateRole", "aws_lambda_function": "CreateFunction",
            "aws_db_instance": "CreateDBInstance", "aws_kms_key": "CreateKey",
            "google_compute_firewall": "compute.firewalls.insert",
            "azurerm_network_security_group": "Microsoft.Network/networkSecurityGroups/write",
        ]
        let real: JSONValue = [
            "changes": ["source": "console", "region": "us-east-1"], "event_name": .string(creators[r.type] ?? "Create"),
            "reason": .string("Resource \(r.idPrefix)\(suffix) (\(r.type)) is not found in Terraform state"),
            "resource_id": .string(r.idPrefix + suffix + "-" + Catalog.marker), "resource_type": .string(r.type),
            "severity": "warning", "timestamp": "", "user_identity": Catalog.identity(Catalog.users[3]),
        ]
        append(.unmanaged, "warning", r.type, real, nil)
    }

    mutating func add(policyFor r: Resource, decision: String) {
        let change = r.changes[0]
        let real: JSONValue = [
            "attribute": .string(change.attribute), "decision": .string(decision), "labels": decision == "deny" ? ["team": "platform"] : .null,
            "reason": .string(decision == "allow" ? "change window open" : "prod resources are immutable"),
            "resource_id": .string(r.idPrefix + Catalog.marker), "resource_type": .string(r.type),
            "severity": .string(decision == "allow" ? "" : change.severity),
        ]
        append(.policyDecision, decision == "allow" ? "info" : change.severity, r.type, real, nil)
    }

    mutating func add(remediationFor r: Resource, uuid: String) {
        let change = r.changes[0]
        let real: JSONValue = [
            "description": .string("Drift detected in \(r.type).\(r.name): attribute '\(change.attribute)' changed"),
            "id": .string(uuid), "import_command": .string("terraform import \(r.type).\(r.name) \(r.idPrefix)"),
            "plan_command": .string("terraform plan -target=\(r.type).\(r.name)"), "pr_url": "",
            "resource_id": .string(r.idPrefix + Catalog.marker), "resource_type": .string(r.type), "severity": .string(change.severity), "status": "pending",
        ]
        append(.remediationProposal, change.severity, r.type, real, nil)
    }

    mutating func add(stateFor r: Resource, action: String, serial: Int) {
        let real: JSONValue = [
            "resource_type": .string(r.type), "resource_id": .string(r.idPrefix + Catalog.marker),
            "changes": ["action": .string(action), "serial": .number(Double(serial))],
        ]
        let documented: JSONValue = [
            "resource": .string("\(r.type).\(r.name)"), "action": .string(action), "serial": .number(Double(serial)),
            "ref": .string(Catalog.marker),
        ]
        append(.stateChange, "info", r.type, real, documented)
    }

    mutating func add(falco rule: (rule: String, severity: String, output: String), container: String) {
        let real: JSONValue = [
            "provider": "aws", "event_name": .string(rule.rule), "resource_type": "container",
            "resource_id": .string(String(container.prefix(8)) + Catalog.marker),
            "user_identity": Catalog.identity(Catalog.users[0]), "changes": ["output": .string(rule.output)],
            "region": "us-east-1",
        ]
        let documented: JSONValue = [
            "severity": .string(rule.severity), "rule": .string(rule.rule),
            "output": .string(rule.output + " #" + Catalog.marker), "container_id": .string(container),
        ]
        append(.falco, rule.severity, "container", real, documented)
    }

    mutating func append(_ kind: SimulatedKind, _ severity: String, _ type: String, _ real: JSONValue, _ documented: JSONValue?) {
        let r = Catalog.split(real)
        let d = documented.map { Catalog.split($0) } ?? ("", "")
        templates.append(
            EventTemplate(kind: kind, severity: severity, resourceType: type, realHead: r.0, realTail: r.1, documentedHead: d.0, documentedTail: d.1))
    }
}
