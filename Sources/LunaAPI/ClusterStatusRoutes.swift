import Hummingbird
import LunaRuntime

/// `GET /cluster/status`: members, clocks, lags, Merkle agreement and incidents, as this
/// controller sees them, the beacon's holder when this controller takes part in it, and
/// per OS image which controllers hold its packed files.
enum ClusterStatusRoutes {
    static func add(to groups: RouteGroups, controller: Controller, beacon: BeaconKeeper?, copies: ImageCopies?) {
        groups.admin.get("/cluster/status") { _, _ in
            var fields = await controller.clusterStatus().json.objectValue ?? [:]
            if let beacon { fields["beacon"] = await beacon.status }
            if let copies {
                let report = await copies.report()
                fields["images"] = .object(report.mapValues { .object($0.mapValues { .string($0.rawValue) }) })
            }
            return Responses.json(.object(fields))
        }
    }
}
