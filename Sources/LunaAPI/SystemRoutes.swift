import Hummingbird
import LunaModel
import LunaRuntime

/// The controller itself: is it there, which build, which routes.
enum SystemRoutes {
    static func add(to groups: RouteGroups, table: RouteTable) {
        groups.open.get("/version") { _, _ in
            Responses.json(
                .object([
                    "version": .object([
                        "api": .int(1), "luna": .string(LunaVersion.current), "commit": .string(LunaVersion.commit),
                    ])
                ]))
        }
        groups.open.get("/ping") { _, _ in Responses.json(["message": "pong"]) }
        groups.open.get("/") { _, _ in
            Responses.json(["message": .string("\(LunaVersion.description): luna2's REST API; GET /all-routes lists every route")]
            )
        }
        groups.open.get("/all-routes") { _, _ in
            let routes = table.routes.map { route -> JSONValue in
                ["method": .string(route.method.rawValue), "route": .string(route.path)]
            }
            return Responses.json(.array(routes))
        }
    }
}
