import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// One luna2 config resource and its standard routes: list, show, create/change
/// (and rename), clone, delete. Each route calls one controller method.
struct ConfigKind: Sendable {
    var kind: String
    var table: LunaDomain.Table
    var intentPrefix: String
    var emptyMessage: String
    var missingMessage: @Sendable (String) -> String
    var render: @Sendable (ClusterState, String, Bool, ClusterKey) -> JSONValue?
    /// An image's clone copies its tree on the master: OSImageWorkRoutes has its route.
    var cloneRouteElsewhere = false

    var pattern: NamePattern { FieldSchema.pattern(of: table) }

    func addRoutes(to groups: RouteGroups, controller: Controller, cache: RenderCache) {
        let kind = self
        groups.admin.get("/config/\(kind.kind)") { _, _ in
            await answer { () throws(LunaError) in
                // A copy of the state (copy-on-write, so cheap) rendered off the controller's
                // actor: listing thousands of objects holds no write back.
                let state = await controller.read { $0 }
                let all = Dictionary(
                    uniqueKeysWithValues: state.keys(kind.table).compactMap { name in
                        kind.render(state, name, false, controller.key).map { (name, $0) }
                    })
                guard !all.isEmpty else { throw .notFound(kind.emptyMessage) }
                return Responses.config(kind.kind, all)
            }
        }
        groups.admin.get("/config/\(kind.kind)/:name") { _, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let key = controller.key
                let shown = await controller.read { state in
                    cache.bytes("\(kind.kind)/\(name)", revision: state.revision) {
                        kind.render(state, name, true, key).map { value in
                            Responses.bytes(["config": .object([kind.kind: .object([name: value])])])
                        }
                    }
                }
                guard let shown else { throw .notFound(kind.missingMessage(name)) }
                return Responses.json(bytes: shown)
            }
        }
        // A node installing itself posts its own record (vendor, asset tag, its address).
        let writers = kind.table == .node ? groups.node : groups.admin
        writers.post("/config/\(kind.kind)/:name") { request, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let body = try await RequestBody.object(request, at: ["config", kind.kind, name])
                return try await kind.submit(controller, "update", name, body, request)
            }
        }
        // luna2 clones no networks, racks, clouds, routes or OS accounts. (Rack.clone stays
        // registered: logs written before its route went still hold such events.)
        guard ![.network, .rack, .cloud, .route, .osuser, .osgroup].contains(kind.table), !kind.cloneRouteElsewhere else {
            return addDelete(to: groups, controller: controller)
        }
        groups.admin.post("/config/\(kind.kind)/:name/_clone") { request, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let body = try await RequestBody.object(request, at: ["config", kind.kind, name])
                return try await kind.submit(controller, "clone", name, body, request)
            }
        }
        addDelete(to: groups, controller: controller)
    }

    private func addDelete(to groups: RouteGroups, controller: Controller) {
        let kind = self
        groups.admin.get("/config/\(kind.kind)/:name/_delete") { request, context in
            await answer { () throws(LunaError) in
                try await kind.submit(controller, "delete", try kind.name(context), [:], request)
            }
        }
    }

    /// The `:name` of the path, checked like every name.
    func name(_ context: LunaRequestContext, _ parameter: String = "name") throws(LunaError) -> String {
        try context.checked(parameter, as: pattern)
    }

    func submit(
        _ controller: Controller, _ action: String, _ name: String, _ body: Row, _ request: Request
    ) async throws(LunaError) -> Response {
        Responses.outcome(
            try await controller.submit(
                "\(intentPrefix).\(action)", object: name, body: body, actor: request.actor, requestID: request.requestID))
    }
}
