import LunaModel

/// Cluster-wide settings (one row) and the controllers that serve the cluster.
enum ClusterIntents {
    static let schema = FieldSchema(
        kind: "cluster",
        fields: [
            "name": .name(.object), "user": .text, "domain_search": .text, "nameserver_ip": .address,
            "forwardserver_ip": .text, "ntp_server": .text, "technical_contacts": .text,
            "provision_method": .name(.object), "provision_fallback": .name(.object),
            "debug": .bool, "security": .bool, "packing_bootpause": .bool, "createnode_ondemand": .bool,
            "createnode_macashost": .bool, "nextnode_discover": .bool, "bind_legacy": .bool,
            "dnssec_enable": .bool, "dnssec_validation": .bool,
            // The floating address nodes boot from, held by one live controller at a time.
            "beacon_ip": .address,
            // Every controller also unpacks each image's last packed archive into its own tree.
            "syncimages": .bool,
        ])

    static let controllerSchema = FieldSchema(
        kind: "controller",
        fields: [
            "ipaddress": .address, "network": .reference(.network), "serverport": .number(1...65535),
            "beacon": .bool, "shadow": .bool, "vendor": .text, "status": .text,
            // Where peers reach its replication listener (host:port), set by `luna cluster join`.
            "replication_address": .text,
        ])

    static let all: [IntentHandler] = [update, controller, master]

    /// Version 3: the controllers inside the cluster (`ClusterControllers`, every form
    /// luna2 and its CLI send) are applied with it, in the same event, so a request is
    /// taken whole or not at all. Version 2 knew only Luna's per-controller form.
    static let update = IntentHandler(
        name: "Cluster.update", version: 3,
        prepare: { _, body, _ throws(LunaError) in
            let own = body.filter { schema.fields[$0.key] != nil || $0.key == "name" }
            var payload = try schema.normalize(own, ignoring: [])
            try ClusterControllers.prepare(body, clusterFields: Set(schema.fields.keys), into: &payload)
            return .object(payload)
        },
        apply: { state, _, payload throws(LunaError) in
            let fields = payload.filter { !ClusterControllers.payloadKeys.contains($0.key) }
            let old = state.row(.cluster, "cluster")
            let row = ObjectRules.merge(old ?? [:], fields)
            try checkBeacon(row, in: state)
            if row != old { state.put(.cluster, "cluster", row) }
            if try ClusterControllers.apply(payload, to: &state) { return .changed("Controllers updated") }
            if row == old { return .created("No changes made") }
            return old == nil ? .created("Cluster created") : .changed("Cluster updated")
        })

    /// The beacon floats between controllers: it cannot be one controller's own address.
    static func checkBeacon(_ cluster: Row, in state: ClusterState) throws(LunaError) {
        guard let beacon = cluster["beacon_ip"]?.stringValue else { return }
        for name in state.keys(.controller) {
            let row = state.row(.controller, name)
            guard row?["ipaddress"]?.stringValue != beacon, row?["ipaddress_ipv6"]?.stringValue != beacon else {
                throw .invalid(
                    "Invalid request: beacon_ip \(beacon) is controller \(name)'s own address; the beacon moves between "
                        + "controllers and needs an address of its own")
            }
        }
    }

    /// Version 2: a shadow holds neither the beacon nor the master role, and one full
    /// controller always remains.
    static let controller = IntentHandler(
        name: "Controller.update", version: 2,
        prepare: { name, body, _ throws(LunaError) in
            try NamePattern.host.check(name, field: "hostname")
            return .object(try controllerSchema.normalize(body, ignoring: ["hostname", "name"]))
        },
        apply: { state, name, payload throws(LunaError) in try applyController(&state, name, payload) })

    static func applyController(_ state: inout ClusterState, _ name: String, _ payload: Row) throws(LunaError) -> Outcome {
        try ObjectRules.checkReferences(payload, schema: controllerSchema, in: state)
        guard state.row(.removedcontroller, name)?["through"] == nil else {
            throw .invalid(
                "Invalid request: controller \(name) was removed from the cluster; it comes back only through "
                    + "`luna cluster join` from an empty data directory")
        }
        let old = state.row(.controller, name)
        var row = ObjectRules.merge(old ?? [:], payload)
        if let network = row["network"]?.stringValue {
            let requested = row["ipaddress"]?.stringValue.flatMap(IPAddress.init)
            try AddressPool.assign(
                &row, network: network, requested: requested, holder: "controller:\(name)", force: true, in: &state)
        }
        if row["shadow"] == .bool(true) {
            guard row["beacon"] != .bool(true) else {
                throw .invalid("Invalid request: controller \(name) is a shadow, a read-only replica, and cannot hold the beacon")
            }
            guard state.keys(.controller).contains(where: { $0 != name && !ControllerRoles.isShadow($0, in: state) }) else {
                throw .invalid(
                    "Invalid request: controller \(name) is the last full controller; a cluster needs one that takes writes")
            }
            row["master"] = nil
        }
        state.put(.controller, name, row)
        return old == nil ? .created("Controller \(name) created") : .changed("Controller \(name) updated")
    }

    /// luna2's `/ha/master/_set`: the named controller takes the master role (the tie-breaker
    /// of a pair, and where master-only work runs).
    static let master = IntentHandler(
        name: "Cluster.master",
        prepare: { name, _, _ throws(LunaError) in
            try NamePattern.host.check(name, field: "hostname")
            return .object([:])
        },
        apply: { state, name, _ throws(LunaError) in
            guard state.row(.controller, name) != nil else { throw .notFound("Controller \(name) not found") }
            guard !ControllerRoles.isShadow(name, in: state) else {
                throw .invalid("Invalid request: controller \(name) is a shadow, a read-only replica, and cannot be master")
            }
            for other in state.keys(.controller) {
                var row = state.row(.controller, other)!
                let value: JSONValue? = other == name ? .bool(true) : nil
                guard row["master"] != value else { continue }
                row["master"] = value
                state.put(.controller, other, row)
            }
            return .changed("current role set to master")
        })
}

/// The roles controllers hold, as the replicated views say.
public enum ControllerRoles {
    public static func isShadow(_ name: String, in state: ClusterState) -> Bool {
        state.row(.controller, name)?["shadow"] == .bool(true)
    }

    /// The controller marked master, or else the first full controller by name; nil with
    /// no controllers at all.
    public static func master(in state: ClusterState) -> String? {
        let full = state.keys(.controller).filter { !isShadow($0, in: state) }
        return full.first { state.row(.controller, $0)?["master"] == .bool(true) } ?? full.first
    }
}
