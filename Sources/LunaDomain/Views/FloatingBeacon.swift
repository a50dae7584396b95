import LunaModel

/// The cluster's floating beacon address (`beacon_ip`) as the views give it: the address,
/// the network it lies on and its prefix, and the full controllers that may hold it in
/// order of preference (the one marked `beacon` first, then by name).
public struct FloatingBeacon: Sendable, Equatable {
    public let address: String
    public let network: String
    public let prefix: Int
    public let candidates: [String]

    /// Nil when the cluster has no `beacon_ip`.
    public init?(state: ClusterState) throws(LunaError) {
        guard let text = state.row(.cluster, "cluster")?["beacon_ip"]?.stringValue, let address = IPAddress(text) else {
            return nil
        }
        let field = address.family == .v4 ? "network" : "network_ipv6"
        let networks = state.keys(.network).compactMap { name -> (String, IPNetwork)? in
            guard let subnet = state.row(.network, name)?[field]?.stringValue.flatMap(IPNetwork.init),
                subnet.contains(address)
            else { return nil }
            return (name, subnet)
        }
        guard let (network, subnet) = networks.max(by: { $0.1.prefix < $1.1.prefix }) else {
            throw LunaError(.invalid, "the beacon address \(text) lies on none of the cluster's networks")
        }
        self.address = address.description
        self.network = network
        prefix = subnet.prefix
        let full = state.keys(.controller).filter { !ControllerRoles.isShadow($0, in: state) }
        candidates =
            full.filter { state.row(.controller, $0)?["beacon"] == .bool(true) }
            + full.filter { state.row(.controller, $0)?["beacon"] != .bool(true) }
    }
}
