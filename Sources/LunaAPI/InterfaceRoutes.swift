import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// Interfaces of nodes and groups: list, show one, change several, delete one.
enum InterfaceRoutes {
    static func add(to groups: RouteGroups, kind: ConfigKind, controller: Controller) {
        let owner = kind.table
        @Sendable func list(_ state: ClusterState, _ name: String) -> [JSONValue]? {
            guard state.row(owner, name) != nil else { return nil }
            return owner == .node ? NodeView(state: state).interfaces(name) : GroupView(state: state).interfaces(name)
        }
        groups.admin.get("/config/\(kind.kind)/:name/interfaces") { _, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                guard let items = await controller.read({ list($0, name) }) else { throw .notFound(kind.missingMessage(name)) }
                return Responses.config(kind.kind, [name: .object(["interfaces": .array(items)])])
            }
        }
        groups.admin.get("/config/\(kind.kind)/:name/interfaces/:interface") { _, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let interface = try context.checked("interface", as: .interface)
                guard let items = await controller.read({ list($0, name) }) else { throw .notFound(kind.missingMessage(name)) }
                guard let item = items.first(where: { $0["interface"] == .string(interface) }) else {
                    throw .notFound("\(kind.kind == "node" ? "Node" : "Group") \(name) does not have \(interface) interface")
                }
                return Responses.config(kind.kind, [name: .object(["interfaces": .array([item])])])
            }
        }
        groups.admin.post("/config/\(kind.kind)/:name/interfaces") { request, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let body = try await RequestBody.object(request, at: ["config", kind.kind, name])
                return try await kind.submit(controller, "interfaces", name, body, request)
            }
        }
        groups.admin.get("/config/\(kind.kind)/:name/interfaces/:interface/_delete") { request, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let interface = try context.checked("interface", as: .interface)
                return try await kind.submit(controller, "interface.delete", name, ["interface": .string(interface)], request)
            }
        }
    }
}
