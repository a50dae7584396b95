import LunaModel

/// Nodes as luna2's API shows them: the list view (JSON booleans) and the detail view
/// (effective values with `_<field>_source`, netboot/bootmenu as "True"/"False").
public struct NodeView {
    let state: ClusterState

    public init(state: ClusterState) {
        self.state = state
    }

    static let plainFields = [
        "switch", "switchport", "cloud", "comment", "vendor", "assettag", "tpm_uuid", "tpm_pubkey", "tpm_sha256",
    ]

    public func render(_ name: String, detail: Bool) -> JSONValue? {
        guard let row = state.row(.node, name) else { return nil }
        let inheritance = Inheritance(state: state)
        let group = inheritance.group(of: row)
        var out: [String: JSONValue] = ["name": .string(name), "group": row["group"] ?? .null]
        var override = false
        for field in Inheritance.nodeFields {
            let resolved = inheritance.node(field, node: row, group: group)
            if resolved.source == "node" { override = true }
            var value = resolved.value ?? .null
            if detail, field == "netboot" || field == "bootmenu", case .bool(let flag) = value {
                value = .string(flag ? "True" : "False")
            }
            out[field] = value
            if detail { out["_\(field)_source"] = .string(resolved.source) }
        }
        for field in Self.plainFields { out[field] = row[field] ?? .null }
        out["service"] = row["service"] ?? .bool(false)
        out["status"] = row["status"].map { .string(NodeStatus.display($0.stringValue ?? "")) } ?? .null
        out["_override"] = .bool(override)
        out["hostname"] = .string(hostname(name, provisionInterface: out["provision_interface"]?.stringValue))
        out["interfaces"] = .array(interfaces(name))
        if !detail {
            out["tpm_present"] = .bool(row["tpm_sha256"] != nil || row["tpm_pubkey"] != nil)
            out["osimagetagid"] = .null
        }
        return .object(out)
    }

    /// `<node>.<network of the provisioning interface>`, or the bare name without one.
    func hostname(_ name: String, provisionInterface: String?) -> String {
        let network = provisionInterface.flatMap { state.row(.nodeinterface, RowKey.child(name, $0)) }?["network"]
        return network?.stringValue.map { "\(name).\($0)" } ?? name
    }

    public func interfaces(_ name: String) -> [JSONValue] {
        state.childKeys(.nodeinterface, of: name).map { InterfaceView.render(state.row(.nodeinterface, $0)!, state: state) }
    }
}

enum InterfaceView {
    static let optional = ["ipaddress_ipv6", "mtu", "vlanid", "bond_mode", "bond_slaves", "options"]

    static func render(_ row: Row, state: ClusterState) -> JSONValue {
        var out: [String: JSONValue] = [
            "interface": row["interface"] ?? .null, "ipaddress": row["ipaddress"] ?? .null,
            "macaddress": row["macaddress"] ?? .null, "network": row["network"] ?? .null,
        ]
        for field in optional where row[field] != nil { out[field] = row[field] }
        if row["vlanid"] != nil, let parent = row["vlan_parent"] { out["vlan_parent"] = parent }
        if row["dhcp"] == .bool(true) {
            out["dhcp"] = .bool(true)
            let network = row["network"]?.stringValue.flatMap { state.row(.network, $0) }
            if network?["dhcp"] != .bool(true) {
                out["comment"] = .string("dhcp configured but ignored with network having dhcp disabled")
            }
        }
        return .object(out)
    }
}

/// The installer's state strings, shown the way luna2 shows them.
public enum NodeStatus {
    static let known: Set<String> = [
        "discovered", "rendered", "downloaded", "started", "completed", "prescript", "partscript", "postscript",
        "roles", "image", "finalizing", "success", "error",
    ]

    public static func display(_ state: String) -> String {
        guard state.hasPrefix("install."), known.contains(String(state.dropFirst(8))) else { return state }
        return "Luna installer: \(state.dropFirst(8))"
    }
}
