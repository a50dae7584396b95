import Hummingbird
import LunaRuntime

/// `GET /cluster/status`: members, clocks, lags, Merkle agreement and incidents, as this
/// controller sees them, and the beacon's holder when this controller takes part in it.
enum ClusterStatusRoutes {
    static func add(to groups: RouteGroups, controller: Controller, beacon: BeaconKeeper?) {
        groups.admin.get("/cluster/status") { _, _ in
            var fields = await controller.clusterStatus().json.objectValue ?? [:]
            if let beacon { fields["beacon"] = await beacon.status }
            return Responses.json(.object(fields))
        }
    }
}
