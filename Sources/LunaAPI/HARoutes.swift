import Hummingbird
import LunaModel
import LunaRuntime

/// luna2's `/ha` routes: whether this controller is in sync, and the operator's overrule.
enum HARoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        groups.admin.get("/ha/state") { _, _ in
            let state = await controller.replicationState
            return Responses.json([
                "ha": [
                    "enabled": .bool(state.members.count > 1), "insync": .bool(state.inSync), "overrule": .bool(state.overruled),
                    "master": .bool(state.master == controller.name), "shadow": .bool(state.shadow),
                    "members": .array(state.members.map(JSONValue.string)),
                ]
            ])
        }
        // luna2 answers 404 with `false` when this controller is not the master.
        groups.admin.get("/ha/master") { _, _ in
            let isMaster = await controller.replicationState.master == controller.name
            return Responses.json(["message": .bool(isMaster)], status: isMaster ? .ok : .notFound)
        }
        groups.admin.get("/ha/master/_set") { request, _ in
            await answer { () async throws(LunaError) -> Response in
                _ = try await controller.submit(
                    "Cluster.master", object: controller.name, body: [:], actor: "admin", requestID: request.requestID)
                return Responses.message("current role set to master", status: .ok)
            }
        }
        groups.admin.get("/ha/overrule/_set") { _, _ in
            await controller.overrule()
            return Response(status: .noContent)
        }
    }
}
