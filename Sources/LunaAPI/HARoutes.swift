import Hummingbird
import LunaModel
import LunaRuntime

/// luna2's `/ha` routes: whether this controller is in sync, and the operator's overrule.
enum HARoutes {
    /// `sharedip` is luna2's 1 when the cluster floats a beacon address (`beacon_ip`), else 0;
    /// `beacon` says who holds it, as this controller knows.
    static func add(to groups: RouteGroups, controller: Controller, beacon: BeaconKeeper?) {
        groups.admin.get("/ha/state") { _, _ in
            let state = await controller.replicationState
            let shared = await controller.read { $0.row(.cluster, "cluster")?["beacon_ip"] != nil }
            var ha: [String: JSONValue] = [
                "enabled": .bool(state.members.count > 1), "insync": .bool(state.inSync), "overrule": .bool(state.overruled),
                "master": .bool(state.master == controller.name), "shadow": .bool(state.shadow),
                "members": .array(state.members.map(JSONValue.string)), "sharedip": .int(shared ? 1 : 0),
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
        groups.admin.get("/ha/overrule/_set") { _, _ in
            await controller.overrule()
            return Response(status: .noContent)
        }
    }
}
