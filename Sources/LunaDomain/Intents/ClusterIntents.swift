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
        ])

    static let controllerSchema = FieldSchema(
        kind: "controller",
        fields: [
            "ipaddress": .address, "network": .reference(.network), "serverport": .integer,
            "beacon": .bool, "shadow": .bool, "vendor": .text, "status": .text,
        ])

    static let all: [IntentHandler] = [update, controller]

    static let update = IntentHandler(
        name: "Cluster.update",
        prepare: { _, body, _ throws(LunaError) in .object(try schema.normalize(body, ignoring: ["controller"])) },
        apply: { state, _, payload throws(LunaError) in
            let old = state.row(.cluster, "cluster")
            let row = ObjectRules.merge(old ?? [:], payload)
            if row == old { return .created("No changes made") }
            state.put(.cluster, "cluster", row)
            return old == nil ? .created("Cluster created") : .changed("Cluster updated")
        })

    static let controller = IntentHandler(
        name: "Controller.update",
        prepare: { name, body, _ throws(LunaError) in
            try NamePattern.host.check(name, field: "hostname")
            return .object(try controllerSchema.normalize(body, ignoring: ["hostname", "name"]))
        },
        apply: { state, name, payload throws(LunaError) in
            try ObjectRules.checkReferences(payload, schema: controllerSchema, in: state)
            let old = state.row(.controller, name)
            var row = ObjectRules.merge(old ?? [:], payload)
            if let network = row["network"]?.stringValue {
                let requested = row["ipaddress"]?.stringValue.flatMap(IPAddress.init)
                try AddressPool.assign(
                    &row, network: network, requested: requested, holder: "controller:\(name)", force: true, in: &state)
            }
            state.put(.controller, name, row)
            return old == nil ? .created("Controller \(name) created") : .changed("Controller \(name) updated")
        })
}
