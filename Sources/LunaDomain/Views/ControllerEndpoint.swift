import LunaModel

/// Where nodes reach the controllers: the floating beacon address when the cluster has one,
/// else the beacon controller's own; the beacon controller's API port; written as URLs
/// want it (`[addr]` for IPv6).
public struct ControllerEndpoint: Sendable, Equatable {
    /// The controller that holds the beacon.
    public let controller: String
    public let address: String
    public let port: Int
    public let scheme: String

    /// Read from the views; `scheme` is this controller's API protocol (http or https).
    public init(state: ClusterState, scheme: String) throws(LunaError) {
        guard let name = try? ClusterControllers.beacon(in: state), let row = state.row(.controller, name) else {
            throw LunaError(.unavailable, "the cluster has no controller: add one before booting nodes")
        }
        controller = name
        let floating = state.row(.cluster, "cluster")?["beacon_ip"]?.stringValue
        guard let address = floating ?? row["ipaddress"]?.stringValue ?? row["ipaddress_ipv6"]?.stringValue else {
            throw LunaError(.unavailable, "controller \(name) has no IP address: nodes cannot reach it")
        }
        self.address = address
        if case .int(let port)? = row["serverport"] { self.port = port } else { self.port = 7050 }
        self.scheme = scheme
    }

    /// `10.141.255.254` or `[fd00::1]`.
    public var host: String { address.contains(":") ? "[\(address)]" : address }

    public var url: String { "\(scheme)://\(host):\(port)" }
}
