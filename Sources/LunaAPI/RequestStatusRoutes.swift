import Foundation
import Hummingbird
import LunaModel
import LunaRuntime

/// luna2's `GET /config/status/<request_id>` (no token, as in luna2): the unread lines of
/// a request's stream as `"<created> :: <line>;;…"`, with the first non-200 status among
/// them. While the request's events are still tentative and nothing new happened the
/// message is empty; once they are stable and every line is read, 404 (clients poll until then).
enum RequestStatusRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        // A service action's stream reads the same way (luna2's `/service/status/<request_id>`).
        for path in ["/config/status/:request_id", "/service/status/:request_id"] {
            status(RouterPath(path), groups: groups, controller: controller)
        }
    }

    static func status(_ path: RouterPath, groups: RouteGroups, controller: Controller) {
        groups.open.get(path) { _, context in
            await answer { () async throws(LunaError) -> Response in
                let id = context.decoded("request_id")
                guard RequestID.isValid(id) else {
                    throw .invalid("Incorrect Naming convention with request_id \(id): it \(RequestID.rule)")
                }
                guard let lines = await controller.requestStatus(id) else {
                    throw LunaError(.notFound, "No data for this request")
                }
                let message = lines.map { "\(Self.format($0.created)) :: \($0.text)" }.joined(separator: ";;")
                let status = lines.first { $0.status != 200 }?.status ?? 200
                return Responses.json(["message": .string(message), "status": .int(status)])
            }
        }
    }

    static func format(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000).formatted(.iso8601)
    }
}
