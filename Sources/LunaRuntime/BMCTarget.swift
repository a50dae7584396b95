import LunaDomain
import LunaModel

/// A node's BMC as a control plugin needs it: the address of the node's `BMC` interface
/// and the login and protocol of its effective BMC setup (the node's, else its group's).
public struct BMCTarget: Sendable, Equatable {
    public let node: String
    public let group: String?
    public let address: String
    public let username: String
    public let password: String
    /// The plugin the setup names (`redfish`); nil for the default (ipmitool).
    public let protocolName: String?
    public let authmode: String
    public let verifycert: Bool

    /// Fails with luna2's sentences (404) for a node that cannot be driven. `key` opens the
    /// setup's sealed password.
    init(node: String, state: ClusterState, key: ClusterKey) throws(LunaError) {
        guard let row = state.row(.node, node),
            let address = state.row(.nodeinterface, RowKey.child(node, "BMC")).flatMap({
                $0["ipaddress"]?.stringValue ?? $0["ipaddress_ipv6"]?.stringValue
            })
        else {
            throw .notFound("host \(node) does not exist or has no BMC interface configured")
        }
        let setupName = Inheritance(state: state).node("bmcsetup", node: row).value?.stringValue
        guard let setupName, let setup = state.row(.bmcsetup, setupName), let username = setup["username"]?.stringValue,
            let password = setup["password"]?.stringValue.flatMap(key.open)
        else {
            throw .notFound("\(node) does not have a suitable bmcsetup")
        }
        self.node = node
        group = row["group"]?.stringValue
        self.address = address
        self.username = username
        self.password = password
        protocolName = setup["protocol"]?.stringValue
        authmode = setup["authmode"]?.stringValue ?? "session"
        verifycert = setup["verifycert"] != .bool(false)
    }
}
