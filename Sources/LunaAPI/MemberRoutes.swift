import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// Who uses what: group, OS image and BMC setup members; a network's taken addresses,
/// its next free one, and the status of one address.
enum MemberRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        let users: [(ConfigKind, @Sendable (String) -> String, @Sendable (ClusterState, String) -> [String])] = [
            (
                ConfigKinds.group, { "Group \($0) is not have any member node" },
                { state, name in GroupView(state: state).members(name) }
            ),
            (
                ConfigKinds.osimage, { "OS Image \($0) is not have any member node" },
                { state, name in nodes(state, using: "osimage", name) }
            ),
            (
                ConfigKinds.bmcsetup, { "BMC Setup \($0) is not have any member node" },
                { state, name in nodes(state, using: "bmcsetup", name) }
            ),
        ]
        for (kind, empty, members) in users {
            groups.admin.get("/config/\(kind.kind)/:name/_member") { _, context in
                await answer { () throws(LunaError) in
                    let name = try kind.name(context)
                    let found: [String]? = await controller.read { state in
                        state.row(kind.table, name) == nil ? nil : members(state, name)
                    }
                    guard let found else { throw .notFound(kind.missingMessage(name)) }
                    guard !found.isEmpty else { throw .notFound(empty(name)) }
                    return Responses.config(kind.kind, [name: .object(["members": .array(found.map(JSONValue.string))])])
                }
            }
        }
        let network = ConfigKinds.network
        groups.admin.get("/config/network/:name/_member") { _, context in
            await answer { () throws(LunaError) in
                let name = try network.name(context)
                guard let taken = await controller.read({ NetworkView(state: $0).taken(name) }) else {
                    throw .notFound(network.missingMessage(name))
                }
                return Responses.config("network", [name: .object(["taken": .array(taken)])])
            }
        }
        groups.admin.get("/config/network/:name/_nextfreeip") { _, context in
            await answer { () throws(LunaError) in
                let name = try network.name(context)
                let next = try await controller.read { state throws(LunaError) in try NetworkView(state: state).nextFree(name) }
                return Responses.config("network", [name: .object(["nextip": .string(next)])])
            }
        }
        groups.admin.get("/config/network/:name/:address") { _, context in
            await answer { () throws(LunaError) in
                let name = try network.name(context)
                let address = context.decoded("address")
                let status = try await controller.read { state throws(LunaError) in
                    try NetworkView(state: state).status(name, address: address)
                }
                return Responses.config("network", [address: .object(["status": .string(status)])])
            }
        }
    }

    /// Nodes whose effective `field` (inherited or their own) names `name`.
    static func nodes(_ state: ClusterState, using field: String, _ name: String) -> [String] {
        let inheritance = Inheritance(state: state)
        return state.keys(.node).filter { inheritance.node(field, node: state.row(.node, $0)!).value == .string(name) }
    }
}
