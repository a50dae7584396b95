import LunaModel

/// What the switch scans found, as boot discovery and `/config/switch/<name>/ports` read it.
public enum SwitchPortView {
    /// The node a MAC identifies by where it is plugged in: the MAC was seen on the port
    /// a node's `switch` and `switchport` name.
    public static func node(at mac: String, in state: ClusterState) -> String? {
        guard let seen = state.row(.switchport, mac), let name = seen["switch"]?.stringValue,
            let port = seen["port"]?.stringValue
        else { return nil }
        // One node per port; should two claim it, the first by name, the same on every controller.
        return state.rows(.node).filter { $0.value["switch"]?.stringValue == name && $0.value["switchport"]?.stringValue == port }
            .keys.min()
    }

    /// The MACs the last scan saw on each port of a switch.
    public static func ports(of name: String, in state: ClusterState) throws(LunaError) -> [String: [String]] {
        guard state.row(.switch, name) != nil else { throw .notFound("Switch \(name) not present in database") }
        var ports: [String: [String]] = [:]
        for (mac, row) in state.rows(.switchport) where row["switch"]?.stringValue == name {
            ports[row["port"]?.stringValue ?? "", default: []].append(mac)
        }
        return ports.mapValues { $0.sorted() }
    }
}
