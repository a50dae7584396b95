import LunaModel

/// Node and group interfaces: network membership, addresses, MACs, VLANs and bonds.
enum InterfaceRules {
    static let groupFields: [String: FieldType] = [
        "network": .reference(.network), "mtu": .number(68...65535), "vlanid": .number(1...4094),
        "vlan_parent": .name(.interface),
        "bond_mode": .text, "bond_slaves": .text, "options": .text, "dhcp": .bool,
    ]

    static let nodeSchema = FieldSchema(
        kind: "interface",
        fields: groupFields.merging(["ipaddress": .address, "macaddress": .mac]) { $1 })
    static let groupSchema = FieldSchema(kind: "interface", fields: groupFields)

    /// Normalises a request's `interfaces` list; each item keeps `interface` and may
    /// carry `newinterfacename` and `force`.
    static func prepare(_ value: JSONValue?, schema: FieldSchema) throws(LunaError) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        guard let items = value.arrayValue else { throw .invalid("Invalid request: interfaces must be a list of objects") }
        var out: [JSONValue] = []
        for item in items {
            guard let fields = item.objectValue else { throw .invalid("Invalid request: each interface must be an object") }
            guard let name = fields["interface"]?.stringValue else {
                throw .invalid("Invalid request: each interface needs an interface name")
            }
            try NamePattern.interface.check(name, field: "interface")
            var normalized = try schema.normalize(fields, ignoring: ["interface", "newinterfacename", "force"])
            normalized["interface"] = .string(name)
            if let new = fields["newinterfacename"], !new.isNull {
                guard let text = new.stringValue else {
                    throw .invalid("Invalid request: field newinterfacename must be a string")
                }
                try NamePattern.interface.check(text, field: "newinterfacename")
                normalized["newinterfacename"] = new
            }
            if let force = fields["force"] { normalized["force"] = try FieldSchema.normalize(force, as: .bool, field: "force") }
            out.append(.object(normalized))
        }
        return .array(out)
    }

    /// Creates or changes one interface of a node, allocating its addresses.
    static func applyToNode(_ node: String, _ item: Row, in state: inout ClusterState) throws(LunaError) {
        var fields = item
        let name = fields.removeValue(forKey: "interface")!.stringValue!
        let force = fields.removeValue(forKey: "force") == .bool(true)
        var key = RowKey.child(node, name)
        var row = state.row(.nodeinterface, key) ?? ["interface": .string(name)]
        if let new = fields.removeValue(forKey: "newinterfacename")?.stringValue {
            let newKey = RowKey.child(node, new)
            guard state.row(.nodeinterface, newKey) == nil else {
                throw .invalid("Invalid request: node \(node) already has an interface \(new)")
            }
            state.remove(.nodeinterface, key)
            key = newKey
            row["interface"] = .string(new)
        }
        try ObjectRules.checkReferences(fields, schema: nodeSchema, in: state)
        let requested = fields.removeValue(forKey: "ipaddress")
        let networkChanged = fields["network"] != nil && fields["network"] != row["network"]
        row = ObjectRules.merge(row, fields)
        if let mac = row["macaddress"]?.stringValue, let holder = state.macs[mac], holder != key {
            throw .invalid("Invalid request: MAC address \(mac) is already in use by \(holder)")
        }
        if requested?.isNull == true {
            row["ipaddress"] = nil
            row["ipaddress_ipv6"] = nil
        } else if let network = row["network"]?.stringValue {
            if networkChanged {
                row["ipaddress"] = nil
                row["ipaddress_ipv6"] = nil
            }
            let address = requested?.stringValue.flatMap(IPAddress.init)
            try AddressPool.assign(&row, network: network, requested: address, holder: key, force: force, in: &state)
        } else if requested != nil {
            throw .invalid("Invalid request: interface \(name) of node \(node) needs a network for its ipaddress")
        }
        state.put(.nodeinterface, key, row)
    }

    /// Creates or changes one interface of a group, and cascades it to every member.
    static func applyToGroup(_ group: String, _ item: Row, in state: inout ClusterState) throws(LunaError) {
        var fields = item
        let name = fields.removeValue(forKey: "interface")!.stringValue!
        fields["force"] = nil
        var key = RowKey.child(group, name)
        var row = state.row(.groupinterface, key) ?? ["interface": .string(name)]
        var renamedFrom: String?
        if let new = fields.removeValue(forKey: "newinterfacename")?.stringValue {
            guard state.row(.groupinterface, RowKey.child(group, new)) == nil else {
                throw .invalid("Invalid request: group \(group) already has an interface \(new)")
            }
            state.remove(.groupinterface, key)
            key = RowKey.child(group, new)
            row["interface"] = .string(new)
            renamedFrom = name
        }
        try ObjectRules.checkReferences(fields, schema: groupSchema, in: state)
        row = ObjectRules.merge(row, fields)
        state.put(.groupinterface, key, row)
        let interface = row["interface"]!.stringValue!
        for member in (state.groupMembers[group] ?? []).sorted() {
            var change: Row = ["interface": .string(interface)]
            if let old = renamedFrom, state.row(.nodeinterface, RowKey.child(member, old)) != nil {
                change = ["interface": .string(old), "newinterfacename": .string(interface)]
            }
            let existing = state.row(.nodeinterface, RowKey.child(member, change["interface"]!.stringValue!))
            // A member that lacks the interface gets all of it; one that has it gets what changed.
            for field in groupFields.keys where existing == nil ? row[field] != nil : fields[field] != nil {
                change[field] = existing == nil ? row[field] : fields[field]
            }
            if existing == nil || change.count > 1 { try applyToNode(member, change, in: &state) }
        }
    }

    /// Gives a new node one interface per interface of its group.
    static func inheritGroupInterfaces(_ node: String, group: String, in state: inout ClusterState) throws(LunaError) {
        for key in state.childKeys(.groupinterface, of: group) {
            try applyToNode(node, state.row(.groupinterface, key)!, in: &state)
        }
    }
}
