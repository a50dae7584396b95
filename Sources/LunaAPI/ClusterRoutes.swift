import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// Cluster-wide settings, the version, and the login that issues tokens.
enum ClusterRoutes {
    static func add(to groups: RouteGroups, controller: Controller, tokens: TokenAuthority) {
        groups.open.post("/token") { request, _ in
            await answer { () throws(LunaError) in
                let body = try await RequestBody.json(request)
                let token = try await tokens.login(body)
                return Responses.json(.object(["token": .string(token)]), status: .created)
            }
        }
        groups.admin.get("/config/cluster") { _, _ in
            await answer { () throws(LunaError) in
                let key = controller.key
                guard
                    let cluster = await controller.read({
                        ObjectView(state: $0, opener: key).render(.cluster, "cluster", detail: true)
                    })
                else {
                    throw .notFound("No cluster available")
                }
                return Responses.json(.object(["config": .object(["cluster": cluster])]))
            }
        }
        groups.admin.get("/config/cluster/export") { _, _ in
            let key = controller.key
            return Responses.json(await controller.read { ClusterExport.export($0, opener: key) })
        }
        groups.admin.post("/config/cluster/import") { request, _ in
            await answer { () throws(LunaError) in
                guard let body = try await RequestBody.json(request).objectValue else {
                    throw .invalid("Invalid request: the body must be an export object")
                }
                return Responses.outcome(
                    try await controller.submit(
                        "Cluster.import", object: "cluster", body: body, actor: request.actor, requestID: request.requestID))
            }
        }
        groups.admin.post("/config/cluster") { request, _ in
            await answer { () throws(LunaError) in
                let body = try await RequestBody.object(request, at: ["config", "cluster"])
                return Responses.outcome(
                    try await controller.submit(
                        "Cluster.update", object: "cluster", body: body, actor: request.actor, requestID: request.requestID))
            }
        }
    }
}
