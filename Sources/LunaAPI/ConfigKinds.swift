import LunaDomain
import LunaModel

/// The config resources served with the standard routes, with luna2's messages.
enum ConfigKinds {
    static let node = ConfigKind(
        kind: "node", table: .node, intentPrefix: "Node", emptyMessage: "No nodes available",
        missingMessage: { "Node \($0) is not available" },
        render: { state, name, detail, _ in NodeView(state: state).render(name, detail: detail) })

    static let group = ConfigKind(
        kind: "group", table: .group, intentPrefix: "Group", emptyMessage: "No groups available",
        missingMessage: { "No group \($0) available" },
        render: { state, name, detail, _ in GroupView(state: state).render(name, detail: detail) })

    static let network = simple(
        "network", .network, "Network", empty: "No networks is available", missing: { "Network \($0) is not available" })
    static let osimage: ConfigKind = {
        var kind = simple("osimage", .osimage, "OSImage", empty: "No osimage is available", missing: { "No \($0) is available" })
        kind.cloneRouteElsewhere = true
        return kind
    }()
    static let bmcsetup = simple(
        "bmcsetup", .bmcsetup, "BMCSetup", empty: "No BMC setup is available", missing: { "BMC Setup \($0) is not available" })
    static let `switch` = simple(
        "switch", .switch, "Switch", empty: "No switch is available", missing: { "Switch \($0) is not available" })
    static let otherdev = simple(
        "otherdev", .otherdev, "OtherDev", empty: "No Other Device is available", missing: { "Device \($0) is not available" })
    static let rack = simple("rack", .rack, "Rack", empty: "No rack is available", missing: { "Rack \($0) is not available" })

    static let cloud = simple(
        "cloud", .cloud, "Cloud", empty: "No Cloud is available", missing: { "Cloud \($0) is not available" })

    static let route = simple(
        "route", .route, "Route", empty: "No routes are available", missing: { "Route \($0) does not exist" })

    static let osuser = simple("osuser", .osuser, "OSUser", empty: "No users available", missing: { "No user \($0) available" })
    static let osgroup = simple(
        "osgroup", .osgroup, "OSGroup", empty: "No groups available", missing: { "No group \($0) available" })

    static let all = [node, group, network, osimage, bmcsetup, `switch`, otherdev, rack, cloud, route, osuser, osgroup]

    static func simple(
        _ kind: String, _ table: LunaDomain.Table, _ prefix: String, empty: String,
        missing: @escaping @Sendable (String) -> String
    ) -> ConfigKind {
        ConfigKind(
            kind: kind, table: table, intentPrefix: prefix, emptyMessage: empty, missingMessage: missing,
            render: { state, name, detail, key in ObjectView(state: state, opener: key).render(table, name, detail: detail) })
    }
}
