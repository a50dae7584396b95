import Hummingbird
import LunaModel
import LunaRuntime
import LunaServices

/// luna2's `GET /service/<name>/<action>`: `status` answers at once in `/monitor`'s shape;
/// start, stop, restart and reload answer with a request id to follow at
/// `/service/status/<request_id>`.
enum ServiceActionRoutes {
    static func add(to groups: RouteGroups, actions: ServiceActions?) {
        groups.admin.get("/service/:name/:action") { request, context in
            let name: String
            let action: String
            do throws(LunaError) {
                name = try context.checked("name", as: .object)
                action = try context.checked("action", as: .object)
            } catch {
                return Responses.error(error)
            }
            guard ServiceMonitorRoutes.known.contains(name) else {
                return ServiceMonitorRoutes.answer(name, "Service Name \(name) Is Not Recognized.", .notFound)
            }
            guard ServiceControl.actions.contains(action) else {
                return Responses.error(
                    .invalid(
                        "Invalid request: Service Action \(action) Is Not Recognized: use "
                            + ServiceControl.actions.joined(separator: ", ")))
            }
            guard let answer = await actions?.perform(name, action, actor: request.actor, request: request.requestID) else {
                return ServiceMonitorRoutes.answer(
                    name, "not controlled by this controller ([SERVICES] \(name.uppercased())_CONTROL is unset)", .notFound)
            }
            switch answer {
            case .status(let running, let text):
                return ServiceMonitorRoutes.answer(name, text, running ? .ok : .serviceUnavailable)
            case .queued(let id, let message):
                return Responses.json(["message": .string(message), "request_id": .string(id)])
            }
        }
    }
}
