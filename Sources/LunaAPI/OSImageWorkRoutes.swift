import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// luna2's image work on the master, where the trees are: pack, kernel change, clone, grab
/// and push. Each answers at once with a request id; the work runs on the master and its
/// lines are followed at `/config/status/<request_id>` on the controller asked.
enum OSImageWorkRoutes {
    static func add(to groups: RouteGroups, controller: Controller, work: ImageWork?) {
        let kind = ConfigKinds.osimage
        groups.admin.get("/config/osimage/:name/_pack") { request, context in
            await answer { () async throws(LunaError) -> Response in
                let name = try kind.name(context)
                return try await start(work, "pack", name, request)
            }
        }
        groups.admin.post("/config/osimage/:name/kernel") { request, context in
            await answer { () async throws(LunaError) -> Response in
                let name = try kind.name(context)
                let body = try await RequestBody.object(request, at: ["config", "osimage", name])
                try FieldSchema.refuseUnknown(body, allowed: ["kernelversion", "name"], kind: "osimage kernel")
                guard let version = body["kernelversion"]?.stringValue, !version.isEmpty else {
                    throw .invalid("Invalid request: kernelversion is required")
                }
                return try await start(work, "kernel", name, request, options: ["kernelversion": .string(version)])
            }
        }
        // luna2 queues an image clone and answers 200 with a request id. Without nocopy or
        // bare the master copies the tree; with them only the row is cloned, here and now.
        groups.admin.post("/config/osimage/:name/_clone") { request, context in
            await answer { () async throws(LunaError) -> Response in
                let name = try kind.name(context)
                let body = try await RequestBody.object(request, at: ["config", "osimage", name])
                let nocopy = try boolean(body, "nocopy")
                let bare = try boolean(body, "bare")
                guard nocopy || bare else {
                    try await started(work, "clone", name, request, body)
                    return queued("osimage clone for \(name) queued", request)
                }
                let outcome = try await controller.submit(
                    "OSImage.clone", object: name, body: body, actor: request.actor, requestID: request.requestID)
                guard case .created(let text) = outcome else { return Responses.outcome(outcome) }
                return queued(text, request)
            }
        }
        addNodeRoutes(to: groups, controller: controller, work: work)
    }

    /// luna2's grab and push, on a node or a group: the image is the one named, else the
    /// node's (or group's) own.
    static func addNodeRoutes(to groups: RouteGroups, controller: Controller, work: ImageWork?) {
        groups.admin.post("/config/node/:name/_osgrab") { request, context in
            await answer { () async throws(LunaError) -> Response in
                let node = try ConfigKinds.node.name(context)
                let body = try await RequestBody.object(request, at: ["config", "node", node])
                try FieldSchema.refuseUnknown(body, allowed: ["name", "osimage", "nodry", "bare"], kind: "osgrab")
                let image = try await imageOf(.node, node, body, controller: controller)
                var options: Row = ["node": .string(node)]
                for flag in ["nodry", "bare"] { options[flag] = .bool(try boolean(body, flag)) }
                try await started(work, "grab", image, request, options)
                return queued("osimage grab from \(node) to \(image) queued", request)
            }
        }
        for kind in [ConfigKinds.node, ConfigKinds.group] {
            groups.admin.post("/config/\(kind.kind)/:name/_ospush") { request, context in
                await answer { () async throws(LunaError) -> Response in
                    let name = try kind.name(context)
                    let body = try await RequestBody.object(request, at: ["config", kind.kind, name])
                    try FieldSchema.refuseUnknown(body, allowed: ["name", "osimage"], kind: "ospush")
                    let image = try await imageOf(kind.table, name, body, controller: controller)
                    let nodes = await controller.read { state in
                        kind.table == .node
                            ? [name] : state.keys(.node).filter { state.row(.node, $0)?["group"] == .string(name) }
                    }
                    guard !nodes.isEmpty else { throw .invalid("Invalid request: group \(name) has no nodes to push to") }
                    try await started(work, "push", image, request, ["nodes": .array(nodes.map(JSONValue.string))])
                    return queued("osimage push from \(name) to \(image) queued", request)
                }
            }
        }
    }

    /// The image a grab or push names, else the one the node or group is set to.
    static func imageOf(_ table: LunaDomain.Table, _ name: String, _ body: Row, controller: Controller) async throws(LunaError)
        -> String
    {
        let row = await controller.read { $0.row(table, name) }
        guard let row else { throw .notFound("\(table == .node ? "Node" : "Group") \(name) not present in database") }
        if let named = body["osimage"] {
            guard let image = named.stringValue, !image.isEmpty else { throw .invalid("Invalid request: osimage must be a name") }
            return image
        }
        let own = await controller.read { state in
            table == .node ? Inheritance(state: state).node("osimage", node: row).value : row["osimage"]
        }
        guard let image = own?.stringValue else { throw .invalid("Invalid request: \(name) names no OS image: give osimage") }
        return image
    }

    static func boolean(_ body: Row, _ field: String) throws(LunaError) -> Bool {
        switch body[field] {
        case nil, .null?: return false
        case .bool(let value)?: return value
        case let other?: throw .invalid("Invalid request: \(field) must be true or false, not \(other.canonicalText)")
        }
    }

    static func started(_ work: ImageWork?, _ kind: String, _ image: String, _ request: Request, _ options: Row)
        async throws(LunaError)
    {
        guard let work else { throw LunaError(.unavailable, "Service unavailable: this controller runs no OS image work") }
        try await work.start(kind, image: image, actor: request.actor, request: request.requestID, options: options)
    }

    static func queued(_ message: String, _ request: Request) -> Response {
        Responses.json(["message": .string(message), "request_id": .string(request.requestID)])
    }

    static func start(_ work: ImageWork?, _ kind: String, _ image: String, _ request: Request, options: Row = [:])
        async throws(LunaError) -> Response
    {
        try await started(work, kind, image, request, options)
        return queued("osimage pack for \(image) queued", request)
    }
}
