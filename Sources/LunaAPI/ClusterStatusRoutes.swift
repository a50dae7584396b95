import Hummingbird
import LunaRuntime

/// `GET /cluster/status`: members, clocks, lags, Merkle agreement and incidents, as this
/// controller sees them.
enum ClusterStatusRoutes {
    static func add(to routes: RouteCollection<BasicRequestContext>, controller: Controller) {
        routes.get("/cluster/status") { _, _ in
            Responses.json(await controller.clusterStatus().json)
        }
    }
}
