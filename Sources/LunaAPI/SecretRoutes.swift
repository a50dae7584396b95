import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// Node and group secrets. A node's list includes its group's secrets, as luna2's does.
enum SecretRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        groups.admin.get("/config/secrets") { _, _ in
            await answer { () throws(LunaError) in
                let key = controller.key
                let all = await controller.read { state in
                    [
                        "node": grouped(state, .nodesecret, key, owner: nil),
                        "group": grouped(state, .groupsecret, key, owner: nil),
                    ]
                }
                guard all.values.contains(where: { !($0.objectValue ?? [:]).isEmpty }) else {
                    throw .notFound("No Secrets available")
                }
                return Responses.config("secrets", all)
            }
        }
        for owner in [LunaDomain.Table.node, .group] {
            let kind = owner == .node ? ConfigKinds.node : ConfigKinds.group
            let table: LunaDomain.Table = owner == .node ? .nodesecret : .groupsecret
            let label = owner.rawValue
            // A node reads its own secrets while it installs (and its group's with them).
            let readers = owner == .node ? groups.node : groups.admin
            readers.get("/config/secrets/\(label)/:name") { _, context in
                await answer { () throws(LunaError) in
                    let name = try kind.name(context)
                    let key = controller.key
                    let found: [String: JSONValue]? = await controller.read { state in
                        guard let row = state.row(owner, name) else { return nil }
                        var out = [label: grouped(state, table, key, owner: name)]
                        if owner == .node, let group = row["group"]?.stringValue {
                            out["group"] = grouped(state, .groupsecret, key, owner: group)
                        }
                        return out
                    }
                    guard let found else { throw .notFound("\(label == "node" ? "Node" : "Group") \(name) is not available") }
                    guard found.values.contains(where: { !($0.objectValue ?? [:]).isEmpty }) else {
                        throw .notFound("No secrets available for \(label) \(name)")
                    }
                    return Responses.config("secrets", found)
                }
            }
            groups.admin.post("/config/secrets/\(label)/:name") { request, context in
                await answer { () throws(LunaError) in
                    let name = try kind.name(context)
                    let body = try await RequestBody.json(request)
                    guard let items = body["config"]?["secrets"]?[label]?[name], items.arrayValue != nil else {
                        throw .invalid(
                            "data structure incomplete or incorrect: expected config:secrets:\(label):\(name) as a list")
                    }
                    return try await submit(controller, "Secret.\(label).update", name, ["secrets": items], request)
                }
            }
            groups.admin.get("/config/secrets/\(label)/:name/:secret") { _, context in
                await answer { () throws(LunaError) in
                    let name = try kind.name(context)
                    let secret = try context.checked("secret", as: .object)
                    let key = controller.key
                    guard
                        let item = await controller.read({
                            ObjectView(state: $0, opener: key).secret(table, RowKey.child(name, secret))
                        })
                    else {
                        throw .notFound("Secret \(secret) is unavailable for \(label) \(name)")
                    }
                    return Responses.config("secrets", [label: .object([name: .array([item])])])
                }
            }
            groups.admin.post("/config/secrets/\(label)/:name/:secret") { request, context in
                await answer { () throws(LunaError) in
                    let name = try kind.name(context)
                    let secret = try context.checked("secret", as: .object)
                    let body = try await RequestBody.json(request)
                    guard let items = body["config"]?["secrets"]?[label]?[name]?.arrayValue else {
                        throw .invalid(
                            "data structure incomplete or incorrect: expected config:secrets:\(label):\(name) as a list")
                    }
                    let named = items.map { item -> JSONValue in
                        var fields = item.objectValue ?? [:]
                        fields["name"] = fields["name"] ?? .string(secret)
                        return .object(fields)
                    }
                    return try await submit(controller, "Secret.\(label).update", name, ["secrets": .array(named)], request)
                }
            }
            groups.admin.post("/config/secrets/\(label)/:name/:secret/_clone") { request, context in
                await answer { () throws(LunaError) in
                    let name = try kind.name(context)
                    let body = try await RequestBody.json(request)
                    let item = body["config"]?["secrets"]?[label]?[name]?.arrayValue?.first
                    guard let new = item?["newsecretname"] else {
                        throw .invalid(
                            "data structure incomplete or incorrect: expected newsecretname in config:secrets:\(label):\(name)")
                    }
                    var fields: Row = ["secret": .string(try context.checked("secret", as: .object)), "newsecretname": new]
                    fields["path"] = item?["path"]
                    // luna2-cli sends `"content": false` when the clone keeps the source's content.
                    if item?["content"] != .bool(false) { fields["content"] = item?["content"] }
                    return try await submit(controller, "Secret.\(label).clone", name, fields, request)
                }
            }
            groups.admin.get("/config/secrets/\(label)/:name/:secret/_delete") { request, context in
                await answer { () throws(LunaError) in
                    let name = try kind.name(context)
                    let secret = JSONValue.string(try context.checked("secret", as: .object))
                    return try await submit(controller, "Secret.\(label).delete", name, ["secret": secret], request)
                }
            }
        }
    }

    static func submit(_ controller: Controller, _ intent: String, _ name: String, _ body: Row, _ request: Request)
        async throws(LunaError)
        -> Response
    {
        Responses.outcome(
            try await controller.submit(intent, object: name, body: body, actor: request.actor, requestID: request.requestID))
    }

    /// `{"<owner>": [secret, …]}` for one owner or all, contents opened.
    static func grouped(_ state: ClusterState, _ table: LunaDomain.Table, _ key: ClusterKey, owner: String?) -> JSONValue {
        var out: [String: [JSONValue]] = [:]
        for rowKey in state.keys(table) {
            let (rowOwner, _) = RowKey.split(rowKey)
            guard owner == nil || owner == rowOwner, let item = ObjectView(state: state, opener: key).secret(table, rowKey) else {
                continue
            }
            out[rowOwner, default: []].append(item)
        }
        return .object(out.mapValues(JSONValue.array))
    }
}
