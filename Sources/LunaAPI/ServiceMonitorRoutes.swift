import Hummingbird
import LunaModel
import LunaRuntime

/// `GET /monitor/service/<name>`: how this controller's DHCP, DNS or TFTP configuration stands,
/// in luna2's shape. A name that is no service, or a service this controller does not
/// run, is a 404 (luna2 answered 503 for the first: nothing failed on the server).
enum ServiceMonitorRoutes {
    static let known = ["dhcp", "dhcp6", "dns", "tftp"]

    static func add(to groups: RouteGroups, services: ServiceRunner?) {
        groups.open.get("/monitor/service/:name") { _, context in
            let name: String
            do throws(LunaError) {
                name = try context.checked("name", as: .object)
            } catch {
                return Responses.error(error)
            }
            guard known.contains(name) else { return answer(name, "Service Name \(name) Is Not Recognized.", .notFound) }
            guard let line = await services?.status(name) else {
                return answer(name, "not run by this controller ([SERVICES] \(name.uppercased()) = no)", .notFound)
            }
            return answer(name, line, line.hasPrefix("OK") ? .ok : .serviceUnavailable)
        }
    }

    /// luna2's shape for one service's line: `{"monitor": {"Service": {"<name>": "<line>"}}}`.
    static func answer(_ name: String, _ line: String, _ status: HTTPResponse.Status) -> Response {
        Responses.json(["monitor": ["Service": .object([name: .string(line)])]], status: status)
    }
}
