import Hummingbird
import LunaModel
import LunaRuntime

/// luna2's `/ha` routes: whether this controller is in sync, and the operator's overrule.
enum HARoutes {
    static func add(to routes: RouteCollection<BasicRequestContext>, controller: Controller) {
        routes.get("/ha/state") { _, _ in
            let state = await controller.replicationState
            return Responses.json([
                "ha": [
                    "enabled": .bool(state.members.count > 1), "insync": .bool(state.inSync), "overrule": .bool(state.overruled),
                    "master": false, "members": .array(state.members.map(JSONValue.string)),
                ]
            ])
        }
        routes.get("/ha/overrule/_set") { _, _ in
            await controller.overrule()
            return Response(status: .noContent)
        }
    }
}
