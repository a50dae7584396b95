import LunaModel

/// Resolves a node's or group's effective settings through luna2's chain:
/// node → group → OS image (+ tag) → cluster → defaults. Each value carries the level it
/// came from, which the views print as `_<field>_source`.
public struct Inheritance {
    public struct Resolved: Equatable, Sendable {
        public var value: JSONValue?
        public var source: String
    }

    let state: ClusterState

    public init(state: ClusterState) {
        self.state = state
    }

    static let defaults: [String: JSONValue] = [
        "setupbmc": .bool(false), "netboot": .bool(false), "bootmenu": .bool(false),
        "provision_method": .string("torrent"), "provision_fallback": .string("http"),
        "provision_interface": .string("BOOTIF"), "ipxe_kernel": .string("default"),
        "osimagetag": .string("default"), "kerneloptions": .string(""),
        "prescript": .string(""), "partscript": .string(""), "postscript": .string(""),
    ]

    /// The fields a node inherits, in the order the views print them.
    public static let nodeFields = [
        "osimage", "osimagetag", "bmcsetup", "setupbmc", "netboot", "bootmenu", "kerneloptions", "ipxe_kernel",
        "prescript", "partscript", "postscript", "roles", "scripts", "provision_method", "provision_fallback",
        "provision_interface", "unmanaged_bmc_users", "routes",
    ]

    public static let groupFields = [
        "osimage", "osimagetag", "bmcsetupname", "setupbmc", "netboot", "bootmenu", "kerneloptions", "ipxe_kernel",
        "prescript", "partscript", "postscript", "provision_method", "provision_fallback", "provision_interface",
        "unmanaged_bmc_users",
    ]

    /// One effective node setting. `node` is the node's own row.
    public func node(_ field: String, node: Row) -> Resolved {
        self.node(field, node: node, group: group(of: node))
    }

    /// The row of the node's group, looked up once for all of a node's fields.
    public func group(of node: Row) -> Row {
        node["group"]?.stringValue.flatMap { state.row(.group, $0) } ?? [:]
    }

    /// One effective node setting, with the node's group row at hand.
    public func node(_ field: String, node: Row, group: Row) -> Resolved {
        let groupField = field == "bmcsetup" ? "bmcsetupname" : field
        var levels: [(String, JSONValue?)] = [("node", node[field]), ("group", group[groupField])]
        levels += below(
            field, image: node["osimage"] ?? group["osimage"], tag: node["osimagetag"] ?? group["osimagetag"],
            bmcsetup: node["bmcsetup"] ?? group["bmcsetupname"], groupHasValue: group[groupField] != nil)
        return pick(field, levels, image: node["osimage"] ?? group["osimage"])
    }

    /// One effective group setting.
    public func group(_ field: String, group: Row) -> Resolved {
        var levels: [(String, JSONValue?)] = [("group", group[field])]
        levels += below(
            field, image: group["osimage"], tag: group["osimagetag"], bmcsetup: group["bmcsetupname"],
            groupHasValue: group[field] != nil)
        return pick(field, levels, image: group["osimage"])
    }

    /// The levels under the group: OS image tag and image, BMC setup, cluster.
    private func below(_ field: String, image: JSONValue?, tag: JSONValue?, bmcsetup: JSONValue?, groupHasValue: Bool)
        -> [(String, JSONValue?)]
    {
        switch field {
        case "kerneloptions":
            let imageRow = image?.stringValue.flatMap { state.row(.osimage, $0) }
            let tagRow = image?.stringValue.flatMap { name in
                tag?.stringValue.flatMap { state.row(.osimagetag, RowKey.child(name, $0)) }
            }
            return [("osimage", tagRow?["kerneloptions"] ?? imageRow?["kerneloptions"])]
        case "provision_method", "provision_fallback":
            return [("cluster", state.row(.cluster, "cluster")?[field])]
        case "unmanaged_bmc_users":
            return [("bmcsetup", bmcsetup?.stringValue.flatMap { state.row(.bmcsetup, $0) }?["unmanaged_bmc_users"])]
        default:
            return []
        }
    }

    private func pick(_ field: String, _ levels: [(String, JSONValue?)], image: JSONValue?) -> Resolved {
        // An OS image installed by kickstart can only be provisioned that way.
        if field == "provision_method", let name = image?.stringValue,
            state.row(.osimage, name)?["imagefile"] == .string("kickstart")
        {
            return Resolved(value: .string("kickstart"), source: "osimage")
        }
        for (source, value) in levels {
            if let value, !value.isNull { return Resolved(value: value, source: source) }
        }
        return Resolved(value: Self.defaults[field], source: "default")
    }
}
