import LunaModel

/// Groups as luna2's API shows them, list and detail.
public struct GroupView {
    let state: ClusterState

    public init(state: ClusterState) {
        self.state = state
    }

    public func render(_ name: String, detail: Bool) -> JSONValue? {
        guard let row = state.row(.group, name) else { return nil }
        var out: [String: JSONValue] = ["name": .string(name)]
        for field in ["comment", "roles", "scripts", "routes"] { out[field] = row[field] ?? .null }
        let bootif = state.row(.groupinterface, RowKey.child(name, "BOOTIF"))
        out["domain"] = bootif?["network"] ?? .null
        let inheritance = Inheritance(state: state)
        for field in Inheritance.groupFields {
            guard detail else {
                out[field] = row[field] ?? (["setupbmc", "netboot", "bootmenu"].contains(field) ? .bool(false) : .null)
                continue
            }
            let resolved = inheritance.group(field, group: row)
            var value = resolved.value ?? .null
            if ["setupbmc", "netboot", "bootmenu"].contains(field), case .bool(let flag) = value {
                value = .string(flag ? "True" : "False")
            }
            if field == "unmanaged_bmc_users", value.isNull { value = .string("None") }
            out[field] = value
            out["_\(field)_source"] = .string(resolved.source)
        }
        out["_override"] = .bool(false)
        out["interfaces"] = .array(interfaces(name))
        return .object(out)
    }

    public func interfaces(_ name: String) -> [JSONValue] {
        state.childKeys(.groupinterface, of: name).map { key in
            let row = state.row(.groupinterface, key)!
            var out: [String: JSONValue] = ["interface": row["interface"] ?? .null, "network": row["network"] ?? .null]
            for field in ["vlanid", "vlan_parent", "bond_mode", "bond_slaves", "mtu", "options", "dhcp"] where row[field] != nil {
                out[field] = row[field]
            }
            return .object(out)
        }
    }

    public func members(_ name: String) -> [String] {
        (state.groupMembers[name] ?? []).sorted()
    }
}
