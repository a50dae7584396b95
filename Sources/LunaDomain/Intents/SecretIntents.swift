import LunaModel

/// Per-node and per-group secrets: files written onto a node at install time. Their
/// content is sealed with the cluster key before the event is written.
enum SecretIntents {
    static let schema = FieldSchema(kind: "secret", fields: ["name": .name(.object), "content": .secret, "path": .absolutePath])

    static let all: [IntentHandler] = [Table.node, .group].flatMap(handlers)

    static func handlers(_ owner: Table) -> [IntentHandler] {
        let secrets: Table = owner == .node ? .nodesecret : .groupsecret
        let label = owner == .node ? "Node" : "Group"
        let prefix = "Secret.\(owner.rawValue)"
        @Sendable func requireOwner(_ name: String, _ state: ClusterState) throws(LunaError) {
            guard state.row(owner, name) != nil else { throw .notFound("\(label) \(name) is not available") }
        }
        return [
            IntentHandler(
                name: "\(prefix).update",
                prepare: { _, body, context throws(LunaError) in
                    var out: [JSONValue] = []
                    for fields in try FieldSchema.objects(body, at: "secrets", kind: "secret", noun: "secret") {
                        let normalized = try schema.normalize(fields, ignoring: [])
                        guard normalized["name"] != nil else { throw .invalid("Invalid request: each secret needs a name") }
                        out.append(.object(ObjectRules.seal(normalized, schema: schema, context: context)))
                    }
                    return .object(["secrets": .array(out)])
                },
                apply: { state, name, payload throws(LunaError) in
                    try requireOwner(name, state)
                    var created = false
                    for item in payload["secrets"]?.arrayValue ?? [] {
                        let fields = item.objectValue ?? [:]
                        let secret = fields["name"]!.stringValue!
                        let key = RowKey.child(name, secret)
                        let old = state.row(secrets, key)
                        let row = ObjectRules.merge(old ?? [:], fields)
                        guard row["content"] != nil else { throw .invalid("Invalid request: secret \(secret) needs content") }
                        created = created || old == nil
                        state.put(secrets, key, row)
                    }
                    return created ? .created("\(label) \(name) Secret created") : .changed("\(label) \(name) Secret updated")
                }),
            IntentHandler(
                // Version 2: the clone may carry its own path and content.
                name: "\(prefix).clone", version: 2,
                prepare: { _, body, context throws(LunaError) in
                    try FieldSchema.refuseUnknown(body, allowed: ["secret", "newsecretname", "path", "content"], kind: "secret")
                    guard let secret = body["secret"]?.stringValue, let new = body["newsecretname"]?.stringValue else {
                        throw .invalid("Invalid request: secret and newsecretname are required")
                    }
                    try NamePattern.object.check(new, field: "newsecretname")
                    let changes = try schema.normalize(body.filter { ["path", "content"].contains($0.key) }, ignoring: [])
                    var payload = ObjectRules.seal(changes, schema: schema, context: context)
                    payload["secret"] = .string(secret)
                    payload["newsecretname"] = .string(new)
                    return .object(payload)
                },
                apply: { state, name, payload throws(LunaError) in
                    try requireOwner(name, state)
                    let secret = payload["secret"]!.stringValue!
                    let new = payload["newsecretname"]!.stringValue!
                    guard let source = state.row(secrets, RowKey.child(name, secret)) else {
                        throw .notFound("Secret \(secret) is unavailable for \(owner.rawValue) \(name)")
                    }
                    guard state.row(secrets, RowKey.child(name, new)) == nil else {
                        throw .invalid("Invalid request: \(label) \(name) already has a secret \(new)")
                    }
                    var row = ObjectRules.merge(source, payload.filter { ["path", "content"].contains($0.key) })
                    row["name"] = .string(new)
                    state.put(secrets, RowKey.child(name, new), row)
                    return .created("\(label) \(name) Secret \(secret) Cloned to \(new).")
                }),
            IntentHandler(
                name: "\(prefix).delete",
                prepare: { _, body, _ throws(LunaError) in
                    try FieldSchema.refuseUnknown(body, allowed: ["secret"], kind: "secret")
                    guard let secret = body["secret"]?.stringValue else { throw .invalid("Invalid request: secret is required") }
                    return .object(["secret": .string(secret)])
                },
                apply: { state, name, payload throws(LunaError) in
                    try requireOwner(name, state)
                    let secret = payload["secret"]!.stringValue!
                    guard state.row(secrets, RowKey.child(name, secret)) != nil else {
                        throw .notFound("Secret \(secret) is unavailable for \(owner.rawValue) \(name)")
                    }
                    state.remove(secrets, RowKey.child(name, secret))
                    return .removed("\(label) \(name) Secret \(secret) removed")
                }),
        ]
    }
}
