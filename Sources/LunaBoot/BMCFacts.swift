import LunaDomain
import LunaModel

/// What the installer's BMC step needs (`BMC_*`): the effective BMC setup and the
/// node's `BMC` interface. The password is unsealed here, for the installer only.
struct BMCFacts {
    var context: TemplateRecord

    init(node: NodeFacts, state: ClusterState, unseal: (JSONValue) -> String?) throws(BootFailure) {
        guard let name = node.setting("bmcsetup")?.stringValue else {
            throw BootFailure("bmcsetup has no value: node \(node.name) sets up its BMC but names no BMC setup")
        }
        guard let setup = state.row(.bmcsetup, name) else {
            throw BootFailure("BMC setup \(name) of node \(node.name) does not exist")
        }
        guard let password = setup["password"].flatMap(unseal), let username = setup["username"]?.stringValue else {
            throw BootFailure("BMC setup \(name) has no username or password: node \(node.name) cannot set up its BMC")
        }
        let interface = InterfaceFacts(
            name: "BMC", row: state.row(.nodeinterface, RowKey.child(node.name, "BMC")) ?? [:], provisioning: false,
            state: state)
        let unmanaged = node.setting("unmanaged_bmc_users")?.stringValue ?? ""
        context = TemplateRecord([
            "userid": InterfaceFacts.text(setup["userid"]).isEmpty ? "2" : InterfaceFacts.text(setup["userid"]),
            "username": username, "password": password,
            "netchannel": InterfaceFacts.text(setup["netchannel"]).isEmpty ? "1" : InterfaceFacts.text(setup["netchannel"]),
            "mgmtchannel": InterfaceFacts.text(setup["mgmtchannel"]).isEmpty ? "1" : InterfaceFacts.text(setup["mgmtchannel"]),
            "ipv4": interface.ipv4, "prefix4": interface.prefix4, "netmask4": interface.netmask4,
            "gateway4": interface.gateway4, "vlanid": interface.vlanID, "unmanaged_users": unmanaged,
        ])
    }
}
