import LunaModel

/// The replicated tables, named as luna2 names them. Interface and secret rows are keyed
/// `owner/name`; the cluster table holds one row, `cluster`.
public enum Table: String, CaseIterable, Sendable, Comparable {
    case cluster
    case controller
    case network
    case osimage
    case osimagetag
    case bmcsetup
    case group
    case groupinterface
    case groupsecret
    case node
    case nodeinterface
    case nodesecret
    case `switch`
    case otherdev
    case rack
    case rackinventory
    case cloud
    /// Static routes, coupled to networks, groups and nodes through their `routes` lists.
    case route
    /// Extra host records of a network's zone, keyed `network/host`.
    case dns
    /// Operating-system accounts and groups for the nodes (luna2's osuser/osgroup).
    case osuser
    case osgroup
    /// A site's own plugin files, keyed by their path under Plugins/ (`boot/network/redhat9.sh`).
    case plugin
    /// BMC requests (power, sel, chassis) as the controller that performed them recorded
    /// them, keyed by request id: who, what, which nodes, the outcome. The newest 1,000.
    case controlaudit
    /// Where each MAC was last seen on the switches, keyed by MAC: `switch` and `port`, as
    /// the master's SNMP scan found them.
    case switchport
    /// Controllers taken out of the cluster (`luna cluster remove|leave`), keyed by name:
    /// `through`, the last of its events the cluster keeps (absent once it joined again),
    /// and `incarnations`, the data directories whose messages are refused for good.
    case removedcontroller

    /// The tables that say who the members are: kept out of exports and imports.
    public static let membership: Set<Table> = [.controller, .removedcontroller]
    public static func < (lhs: Table, rhs: Table) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One row of a view: the object's fields as JSON. Stored whole, as canonical JSON.
public typealias Row = [String: JSONValue]

/// Keys of rows that belong to an owner (`node/BOOTIF`).
public enum RowKey {
    public static func child(_ owner: String, _ name: String) -> String { owner + "/" + name }

    public static func split(_ key: String) -> (owner: String, name: String) {
        let slash = key.firstIndex(of: "/")!
        return (String(key[..<slash]), String(key[key.index(after: slash)...]))
    }
}
