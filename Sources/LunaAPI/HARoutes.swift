import Hummingbird
import LunaModel
import LunaRuntime

/// luna2's `/ha` routes: whether this controller is in sync, and the operator's overrule.
enum HARoutes {
    /// `sharedip` is luna2's 1 when the cluster floats a beacon address (`beacon_ip`), else 0;
    /// `beacon` says who holds it, as this controller knows; `syncimages` whether every
    /// controller unpacks the images' archives into its own trees.
    static func add(to groups: RouteGroups, controller: Controller, beacon: BeaconKeeper?, treeSync: ImageTreeSync?) {
        groups.admin.get("/ha/state") { _, _ in
            let state = await controller.replicationState
            let (shared, syncimages) = await controller.read { state in
                let cluster = state.row(.cluster, "cluster")
                return (cluster?["beacon_ip"] != nil, cluster?["syncimages"] == .bool(true))
            }
            var ha: [String: JSONValue] = [
                "enabled": .bool(state.members.count > 1), "insync": .bool(state.inSync), "overrule": .bool(state.overruled),
                "master": .bool(state.master == controller.name), "shadow": .bool(state.shadow),
                "members": .array(state.members.map(JSONValue.string)), "sharedip": .int(shared ? 1 : 0),
                "syncimages": .bool(syncimages),
            ]
            if let beacon { ha["beacon"] = await beacon.status }
            return Responses.json(["ha": .object(ha)])
        }
        // luna2 answers 404 with `false` when this controller is not the master.
        groups.admin.get("/ha/master") { _, _ in
            let isMaster = await controller.replicationState.master == controller.name
            return Responses.json(["message": .bool(isMaster)], status: isMaster ? .ok : .notFound)
        }
        groups.admin.get("/ha/master/_set") { request, _ in
            await answer { () async throws(LunaError) -> Response in
                _ = try await controller.submit(
                    "Cluster.master", object: controller.name, body: [:], actor: request.actor, requestID: request.requestID)
                return Responses.message("current role set to master", status: .ok)
            }
        }
        // Every controller the views name: its replication state as this one sees it, and its roles.
        groups.admin.get("/ha/controllers") { _, _ in
            let members = Dictionary(uniqueKeysWithValues: await controller.clusterStatus().members.map { ($0.name, $0) })
            let rows = await controller.read { state in
                state.keys(.controller).map { ($0, state.row(.controller, $0)!) }
            }
            var out: [String: JSONValue] = [:]
            for (name, row) in rows {
                let config: JSONValue = [
                    "shadow": .bool(row["shadow"] == .bool(true)), "beacon": .bool(row["beacon"] == .bool(true)),
                ]
                guard let member = members[name] else {
                    out[name] = ["comment": "controller has not reported to this one yet", "config": config]
                    continue
                }
                out[name] = [
                    "ha": ["insync": .bool(member.inSync), "role": .string(member.role), "lag_events": .int(member.lagEvents)],
                    "config": config,
                ]
            }
            return Responses.json(["message": .object(out)], status: out.isEmpty ? .notFound : .ok)
        }
        // luna2 answers 404 "sync not available for images" where it does not sync trees.
        groups.admin.get("/ha/syncimage/:name") { _, context in
            await answer { () async throws(LunaError) -> Response in
                let name = try ConfigKinds.osimage.name(context)
                guard await controller.read({ $0.row(.osimage, name) }) != nil else {
                    throw .notFound("OS Image \(name) not present in database")
                }
                let refusal: ImageTreeSync.Refusal? = if let treeSync { await treeSync.force(name) } else { .notSyncing }
                switch refusal {
                case .notSyncing?:
                    throw .notFound("sync not available for images: the cluster's syncimages is not set")
                case .master(let master)?:
                    throw .notFound("sync not available for images: \(master) is the master, where trees are changed and packed")
                case nil:
                    return Responses.message(
                        "OS image \(name) is unpacked again from its last pack on \(controller.name)", status: .ok)
                }
            }
        }
        groups.admin.get("/ha/overrule/_set") { _, _ in
            await controller.overrule()
            return Response(status: .noContent)
        }
    }
}
