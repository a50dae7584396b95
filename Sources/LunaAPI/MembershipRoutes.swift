import Hummingbird
import LunaModel
import LunaRuntime

/// Luna's own membership changes: `POST /cluster/member/_remove` takes dead controllers
/// out (`{"controllers": [names]}`); `POST /cluster/member/_leave` takes out the
/// controller asked, which must be running with every other member.
enum MembershipRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        groups.admin.post("/cluster/member/_remove") { request, _ in
            await answer { () async throws(LunaError) -> Response in
                let body = try await RequestBody.json(request)
                guard let listed = body["controllers"]?.arrayValue, !listed.isEmpty else {
                    throw .invalid("Invalid request: controllers must list the names of the controllers to remove")
                }
                let names = try listed.map { value throws(LunaError) -> String in
                    guard let name = value.stringValue else {
                        throw .invalid("Invalid request: controllers must list names, not \(value.canonicalText)")
                    }
                    return name
                }
                _ = try await controller.removeMembers(names, actor: request.actor, requestID: request.requestID)
                let text = names.sorted().joined(separator: ", ")
                return Responses.message("removed \(text) from the cluster", status: .ok)
            }
        }
        groups.admin.post("/cluster/member/_leave") { request, _ in
            await answer { () async throws(LunaError) -> Response in
                _ = try await controller.leave(actor: request.actor, requestID: request.requestID)
                return Responses.message(
                    "\(controller.name) has left the cluster: every other member holds all its events and refuses it "
                        + "from now on; stop lunad on it", status: .ok)
            }
        }
    }
}
