import LunaModel

/// Which node a booting MAC is, as luna2 decides it: the node that has the MAC; else the
/// node cabled to the switch port the MAC was seen on (the SNMP scan); else,
/// when the cluster discovers nodes (`nextnode_discover`), the first node whose
/// provisioning interface has no MAC; else, when it creates nodes on demand
/// (`createnode_ondemand`), a new node named after the last one (or after the MAC,
/// with `createnode_macashost`).
public enum DiscoveryChoice: Equatable, Sendable {
    case none
    /// The MAC is already this node's.
    case known(String)
    /// The MAC is to be bound to this existing node.
    case bind(String)
    /// A node to create in the group, then bind.
    case create(String, group: String)

    public var node: String? {
        switch self {
        case .none: nil
        case .known(let name), .bind(let name), .create(let name, _): name
        }
    }

    public static func forMAC(_ mac: String, in state: ClusterState) -> DiscoveryChoice {
        if let holder = state.macs[mac], !holder.contains(":") { return .known(RowKey.split(holder).owner) }
        // A replaced node: its new MAC sits on the switch port the node is cabled to.
        if let cabled = SwitchPortView.node(at: mac, in: state) { return .bind(cabled) }
        let cluster = state.row(.cluster, "cluster") ?? [:]
        let nodes = state.keys(.node)
        if cluster["nextnode_discover"] == .bool(true), let free = nodes.first(where: { isFree($0, in: state) }) {
            return .bind(free)
        }
        guard cluster["createnode_ondemand"] == .bool(true),
            let group = nodes.last.flatMap({ state.row(.node, $0)?["group"]?.stringValue }) ?? state.keys(.group).first
        else { return .none }
        return .create(newName(mac: mac, group: group, in: state), group: group)
    }

    public static func inGroup(_ group: String, mac: String, in state: ClusterState) throws(LunaError) -> DiscoveryChoice {
        guard state.row(.group, group) != nil else { throw .notFound("Group \(group) not present in database") }
        let members = state.groupMembers[group, default: []].sorted()
        if let holder = state.macs[mac], !holder.contains(":"), members.contains(RowKey.split(holder).owner) {
            return .known(RowKey.split(holder).owner)
        }
        if let free = members.first(where: { isFree($0, in: state) }) { return .bind(free) }
        return .create(newName(mac: mac, group: group, in: state), group: group)
    }

    /// A node whose provisioning interface has no MAC yet.
    static func isFree(_ node: String, in state: ClusterState) -> Bool {
        guard let row = state.row(.node, node) else { return false }
        let interface = Inheritance(state: state).node("provision_interface", node: row).value?.stringValue ?? "BOOTIF"
        return state.row(.nodeinterface, RowKey.child(node, interface))?["macaddress"] == nil
    }

    /// The next name after the group's last node (`node004` → `node005`), or the MAC.
    static func newName(mac: String, group: String, in state: ClusterState) -> String {
        if state.row(.cluster, "cluster")?["createnode_macashost"] == .bool(true) {
            return mac.replacingColons
        }
        let last = state.groupMembers[group, default: []].max() ?? state.keys(.node).max() ?? "node000"
        let digits = last.reversed().prefix(while: \.isNumber).count
        let stem = String(last.dropLast(digits))
        var number = Int(last.suffix(digits)) ?? 0
        let width = max(digits, 3)
        while true {
            number += 1
            let text = String(number)
            let name = stem + String(repeating: "0", count: max(0, width - text.count)) + text
            if state.row(.node, name) == nil { return name }
        }
    }
}

extension String {
    fileprivate var replacingColons: String { String(map { $0 == ":" ? "-" : $0 }) }
}
