import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// `GET /config/switch/<name>/ports` (Luna's): the MAC addresses the master's SNMP scan last
/// saw on each port of the switch, as every controller holds them.
enum SwitchPortRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        groups.admin.get("/config/switch/:name/ports") { _, context in
            await answer { () async throws(LunaError) -> Response in
                let name = try context.checked("name", as: .object)
                let ports = try await controller.read { state throws(LunaError) in try SwitchPortView.ports(of: name, in: state) }
                let value: JSONValue = .object(ports.mapValues { .array($0.map { .string($0) }) })
                return Responses.config("switch", [name: ["ports": value]])
            }
        }
    }
}
