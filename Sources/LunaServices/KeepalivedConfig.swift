import LunaDomain
import LunaModel

/// keepalived's configuration for a site that hands the beacon to VRRP instead of Luna's
/// leases: one instance among the full controllers, unicast to each other's own addresses,
/// priorities in Luna's order of preference (the controller marked `beacon` first), and
/// the beacon as the virtual address. The same views give each controller its own file.
public struct KeepalivedConfig {
    let state: ClusterState
    let controller: String
    let interface: String

    public init(state: ClusterState, controller: String, interface: String) {
        self.state = state
        self.controller = controller
        self.interface = interface
    }

    public func text() throws(LunaError) -> String {
        guard let beacon = try FloatingBeacon(state: state) else {
            throw LunaError(.invalid, "the cluster has no beacon_ip for keepalived to float")
        }
        guard let rank = beacon.candidates.firstIndex(of: controller) else {
            throw LunaError(.invalid, "controller \(controller) is not a full controller: it cannot hold the beacon")
        }
        let field = beacon.address.contains(":") ? "ipaddress_ipv6" : "ipaddress"
        func own(_ name: String) -> String? { state.row(.controller, name)?[field]?.stringValue }
        guard let mine = own(controller) else {
            throw LunaError(.invalid, "controller \(controller) has no \(field) for keepalived to speak from")
        }
        let peers = beacon.candidates.filter { $0 != controller }.compactMap(own)
        let cluster = state.row(.cluster, "cluster")?["name"]?.stringValue ?? "cluster"
        // Router ids are 1-255 and must be equal on every controller: taken from the cluster's name.
        let routerID = cluster.utf8.reduce(0) { ($0 * 31 + Int($1)) % 255 } + 1
        var lines = [
            "# Written by Luna from the cluster's views; edits are replaced.",
            "global_defs {", "    router_id luna-\(controller)", "}", "",
            "vrrp_instance luna_beacon {",
            "    state BACKUP", "    nopreempt",
            "    interface \(interface)", "    virtual_router_id \(routerID)",
            "    priority \(max(1, 200 - 10 * rank))", "    advert_int 1",
            "    unicast_src_ip \(mine)", "    unicast_peer {",
        ]
        lines += peers.map { "        \($0)" }
        lines += [
            "    }", "    virtual_ipaddress {", "        \(beacon.address)/\(beacon.prefix) dev \(interface)", "    }", "}", "",
        ]
        return lines.joined(separator: "\n")
    }
}
