import LunaModel

/// Networks: IPv4 and/or IPv6 ranges, gateways, DHCP ranges; renames move every
/// address holder along, and a changed range re-allocates the holders that fall outside.
enum NetworkIntents {
    static let schema = FieldSchema(
        kind: "network",
        fields: [
            "network": .cidr(.v4), "network_ipv6": .cidr(.v6),
            "gateway": .address, "gateway_ipv6": .address, "gateway_metric": .number(0...4_294_967_295),
            "nameserver_ip": .address, "nameserver_ip_ipv6": .address, "ntp_server": .address,
            "dhcp": .bool, "dhcp_range_begin": .address, "dhcp_range_end": .address,
            "dhcp_range_begin_ipv6": .address, "dhcp_range_end_ipv6": .address,
            "dhcp_nodes_in_pool": .bool, "dhcp_nodes_only": .bool, "dhcp_relay": .address,
            "zone": .choice(["internal", "external"]), "shared": .reference(.network),
            "type": .choice(["ethernet", "infiniband"]), "non_authoritative": .bool,
            "comment": .text, "routes": .list,
        ])

    static let all: [IntentHandler] = [update, delete]

    /// Version 2: controllers on the network may be given new addresses in the same
    /// request (luna2-cli's `network change NAME --controller IP`), as a renumbering needs.
    static let update = IntentHandler(
        name: "Network.update", version: 2,
        prepare: { name, body, _ throws(LunaError) in
            try NamePattern.domain.check(name, field: "name")
            let known = Set(schema.fields.keys).union(["name", "newnetname"])
            var payload = try schema.normalize(body.filter { known.contains($0.key) }, ignoring: ["name", "newnetname"])
            if let new = body["newnetname"] { payload["newnetname"] = new }
            let addresses = try ClusterControllers.hostAddresses(body, kind: "network", known: known)
            if !addresses.isEmpty { payload["controllers"] = .object(addresses) }
            return .object(payload)
        },
        apply: { state, name, payload throws(LunaError) in
            var changes = payload
            let newName = try ObjectRules.newName(changes, key: "newnetname", table: .network, in: state)
            changes["newnetname"] = nil
            let controllers = changes.removeValue(forKey: "controllers")?.objectValue ?? [:]
            try ObjectRules.checkReferences(changes, schema: schema, in: state)
            let old = state.row(.network, name)
            var row = ObjectRules.merge(old ?? [:], changes)
            if old == nil, row["network"] == nil, row["network_ipv6"] == nil {
                throw .invalid("Invalid request: a new network needs network (IPv4 CIDR) or network_ipv6")
            }
            row["gateway_metric"] = row["gateway_metric"] ?? .int(101)
            try validate(row, name: name)
            let key = newName ?? name
            if let newName {
                state.remove(.network, name)
                rehome(from: name, to: newName, in: &state)
            }
            state.put(.network, key, row)
            for entry in controllers.keys.sorted() {
                let controller = try ClusterControllers.controller(named: entry, in: state)
                guard state.row(.controller, controller)?["network"] == .string(key) else {
                    throw .invalid("Invalid request: controller \(controller) is not on network \(key)")
                }
            }
            try ClusterControllers.readdress(controllers, on: key, in: &state)
            if let old { try reallocate(key, previous: old, in: &state) }
            if old == nil { return .created("Network \(name) created successfully") }
            return .changed(newName.map { "Network \(name) renamed to \($0) and updated" } ?? "Network \(name) updated")
        })

    static let delete = IntentHandler(
        name: "Network.delete",
        prepare: { _, _, _ in .object([:]) },
        apply: { state, name, _ throws(LunaError) in
            _ = try ObjectRules.existing(.network, name, in: state, missing: "Network \(name) not present in database")
            let holders = (state.addresses[name] ?? [:]).values.sorted()
            if !holders.isEmpty {
                let shown = holders.prefix(10).joined(separator: ", ")
                throw .invalid("Invalid request: network \(name) is in use by \(shown)\(holders.count > 10 ? " ..." : "")")
            }
            let users: [(Table, String)] = [
                (.groupinterface, "group interface"), (.nodeinterface, "node interface"), (.controller, "controller"),
                (.switch, "switch"), (.otherdev, "other device"),
            ]
            for (table, label) in users {
                if let first = state.rows(table).filter({ $0.value["network"] == .string(name) }).keys.sorted().first {
                    throw .invalid("Invalid request: network \(name) is in use by \(label) \(first)")
                }
            }
            ObjectRules.removeChildren(.dns, of: name, in: &state)
            state.remove(.network, name)
            return .removed("Network \(name) removed")
        })

    /// The rules a network row must satisfy as a whole after any change.
    static func validate(_ row: Row, name: String) throws(LunaError) {
        for family in [IPAddress.Family.v4, .v6] {
            let suffix = family == .v4 ? "" : "_ipv6"
            let subnet = AddressPool.subnet(row, family)
            for field in ["gateway", "nameserver_ip", "dhcp_range_begin", "dhcp_range_end"].map({ $0 + suffix }) {
                guard let text = row[field]?.stringValue, let address = IPAddress(text) else { continue }
                guard let subnet, address.family == family else {
                    throw .invalid(
                        "Invalid request: \(field) \(text) needs an \(family == .v4 ? "IPv4" : "IPv6") network\(suffix) to belong to"
                    )
                }
                if field.hasPrefix("nameserver") { continue }
                guard subnet.contains(address) else {
                    throw .invalid("Invalid request: \(field) \(text) is not in network \(subnet)")
                }
            }
            guard row["dhcp"] == .bool(true), subnet != nil else { continue }
            let begin = row["dhcp_range_begin" + suffix]?.stringValue
            let end = row["dhcp_range_end" + suffix]?.stringValue
            if family == .v6, begin == nil, end == nil { continue }
            guard let begin else { throw .invalid("Invalid request: DHCP start range is a required parameter") }
            guard let end else { throw .invalid("Invalid request: DHCP end range is a required parameter") }
            guard IPAddress(begin)! <= IPAddress(end)! else {
                throw .invalid("Invalid request: Incorrect dhcp start: \(begin) lies after the end \(end)")
            }
            if let gateway = AddressPool.gateway(row, family), (IPAddress(begin)!...IPAddress(end)!).contains(gateway) {
                throw .invalid("Invalid request: the DHCP range \(begin)-\(end) contains the gateway \(gateway)")
            }
        }
        if row["dhcp_nodes_in_pool"] == .bool(true), row["dhcp_nodes_only"] == .bool(true) {
            throw .invalid("Invalid request: dhcp_nodes_in_pool and dhcp_nodes_only cannot both be set")
        }
    }

    /// After a rename, every row that names the network names the new one.
    static func rehome(from old: String, to new: String, in state: inout ClusterState) {
        ObjectRules.moveChildren(.dns, from: old, to: new, in: &state)
        for table in [Table.nodeinterface, .groupinterface, .controller, .switch, .otherdev] {
            for (key, row) in state.rows(table) where row["network"] == .string(old) {
                var moved = row
                moved["network"] = .string(new)
                state.put(table, key, moved)
            }
        }
        for (key, row) in state.rows(.network) where row["shared"] == .string(old) {
            var moved = row
            moved["shared"] = .string(new)
            state.put(.network, key, moved)
        }
    }

    /// Gives holders whose address no longer fits the network (new range, new DHCP range,
    /// new gateway) the next free one, in key order so every controller does the same.
    static func reallocate(_ name: String, previous: Row, in state: inout ClusterState) throws(LunaError) {
        let network = state.row(.network, name)!
        // A controller's address is a fact about a machine: the network must fit it. In name
        // order, so the refusal names the same controller on every controller.
        for (controller, row) in state.rows(.controller).sorted(by: { $0.key < $1.key }) where row["network"] == .string(name) {
            for field in ["ipaddress", "ipaddress_ipv6"] {
                guard let address = row[field]?.stringValue.flatMap(IPAddress.init) else { continue }
                do {
                    try AddressPool.checkAssignable(
                        address, on: name, holder: "controller:\(controller)", force: false, in: state)
                } catch {
                    throw .invalid(
                        "Invalid request: controller \(controller) keeps \(address) on network \(name): \(error.message)")
                }
            }
        }
        for table in [Table.nodeinterface, .switch, .otherdev] {
            let holders = state.rows(table).filter { $0.value["network"] == .string(name) }
            for key in holders.keys.sorted() {
                var row = holders[key]!
                for family in [IPAddress.Family.v4, .v6] {
                    let field = family == .v4 ? "ipaddress" : "ipaddress_ipv6"
                    guard let address = row[field]?.stringValue.flatMap(IPAddress.init),
                        AddressPool.dhcpRange(network, family)?.contains(address.value) == true,
                        AddressPool.dhcpRange(previous, family)?.contains(address.value) != true
                    else { continue }
                    row[field] = nil
                }
                let holder = table == .nodeinterface ? key : "\(table.rawValue):\(key)"
                try AddressPool.assign(&row, network: name, requested: nil, holder: holder, force: true, in: &state)
                if row != holders[key]! { state.put(table, key, row) }
            }
        }
    }
}
