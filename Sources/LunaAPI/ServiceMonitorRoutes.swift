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
            guard known.contains(name) else {
                return Responses.json(
                    ["monitor": ["Service": .object([name: .string("Service Name \(name) Is Not Recognized.")])]],
                    status: .notFound)
            }
            guard let line = await services?.status(name) else {
                let key = name.uppercased()
                return Responses.json(
                    [
                        "monitor": [
                            "Service": .object([name: .string("not run by this controller ([SERVICES] \(key) = no)")])
                        ]
                    ],
                    status: .notFound)
            }
            return Responses.json(
                ["monitor": ["Service": .object([name: .string(line)])]], status: line.hasPrefix("OK") ? .ok : .serviceUnavailable
            )
        }
    }
}
