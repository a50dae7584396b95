import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// Cluster-wide settings, the version, and the login that issues tokens.
enum ClusterRoutes {
    static func add(to routes: RouteCollection<BasicRequestContext>, controller: Controller, tokens: TokenAuthority) {
        routes.get("/version") { _, _ in
            Responses.json(
                .object([
                    "version": .object([
                        "api": .int(1), "luna": .string(LunaVersion.current), "commit": .string(LunaVersion.commit),
                    ])
                ]))
        }
        routes.post("/token") { request, _ in
            await answer { () throws(LunaError) in
                let body = try await RequestBody.json(request)
                let token = try await tokens.login(body)
                return Responses.json(.object(["token": .string(token)]), status: .created)
            }
        }
        routes.get("/config/cluster") { _, _ in
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
        routes.post("/config/cluster") { request, _ in
            await answer { () throws(LunaError) in
                let body = try await RequestBody.object(request, at: ["config", "cluster"])
                return Responses.outcome(
                    try await controller.submit(
                        "Cluster.update", object: "cluster", body: body, actor: "admin", requestID: request.requestID))
            }
        }
    }
}
