import LunaModel

/// Every other kind of object, shown as luna2 shows it: the stored fields plus what is
/// derived (tags of an image, a cluster's controllers, a network's DHCP keys).
/// Secret fields are opened with the cluster key for the authorised caller.
public struct ObjectView {
    let state: ClusterState
    let opener: (any SecretSealer)?

    public init(state: ClusterState, opener: (any SecretSealer)?) {
        self.state = state
        self.opener = opener
    }

    public func render(_ table: Table, _ name: String, detail: Bool) -> JSONValue? {
        guard var row = state.row(table, name) else { return nil }
        row["name"] = .string(name)
        switch table {
        case .network:
            row["gateway_metric"] = row["gateway_metric"] ?? .int(101)
            row["dhcp"] = row["dhcp"] ?? .bool(false)
            if detail, row["dhcp"] != .bool(true) {
                for key in row.keys where key.hasPrefix("dhcp_") { row[key] = nil }
            }
        case .osimage:
            row["tag"] = row["tag"] ?? .string("default")
            // The hashes and the pack in progress are Luna's bookkeeping, shown by /monitor/osimage.
            row["files"] = nil
            row["packing"] = nil
            let tags = state.childKeys(.osimagetag, of: name).map { RowKey.split($0).name }
            if detail, !tags.isEmpty { row["assigned_tags"] = .string(tags.joined(separator: ",")) }
        case .route:
            row["assigned"] = .string(RouteIntents.coupled(name, in: state).joined(separator: ","))
        case .bmcsetup:
            if let sealed = row["password"]?.stringValue { row["password"] = opened(sealed) }
        case .osuser:
            if let sealed = row["userPassword"]?.stringValue { row["userPassword"] = opened(sealed) }
        case .osgroup:
            let members = OSAccountIntents.members(of: name, in: state)
            if !members.isEmpty { row["member"] = .string(members.joined(separator: ",")) }
        case .cluster:
            // luna2's shape: the beacon controller flat under `controller`, every other
            // one under its hostname (luna2-cli lists controllers as the object values).
            let beacon = try? ClusterControllers.beacon(in: state)
            for key in state.keys(.controller) {
                var entry = state.row(.controller, key)!
                entry["hostname"] = .string(key)
                entry["beacon"] = nil
                if entry["shadow"] != .bool(true) { entry["shadow"] = nil }
                row[key == beacon ? "controller" : key] = .object(entry)
            }
            row["name"] = state.row(.cluster, "cluster")?["name"] ?? .null
        default:
            break
        }
        return .object(row)
    }

    public func list(_ table: Table) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for key in state.keys(table) { out[key] = render(table, key, detail: false) }
        return out
    }

    /// A secret list item, content opened.
    public func secret(_ table: Table, _ key: String) -> JSONValue? {
        guard var row = state.row(table, key) else { return nil }
        if let sealed = row["content"]?.stringValue { row["content"] = opened(sealed) }
        return .object(row)
    }

    private func opened(_ sealed: String) -> JSONValue {
        guard let opener, let clear = opener.open(sealed) else { return .string("<encrypted>") }
        return .string(clear)
    }
}
