import Hummingbird
import LunaRuntime

/// `GET /cluster/status`: members, clocks, lags, Merkle agreement and incidents, as this
/// controller sees them.
enum ClusterStatusRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        groups.admin.get("/cluster/status") { _, _ in
            Responses.json(await controller.clusterStatus().json)
        }
    }
}
