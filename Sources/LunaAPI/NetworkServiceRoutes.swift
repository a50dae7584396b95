import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// A network's extra DNS records, and coupling routes to networks, groups and nodes.
enum NetworkServiceRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        let network = ConfigKinds.network
        groups.admin.get("/config/dns/:name") { _, context in
            await answer { () throws(LunaError) in
                let name = try network.name(context)
                let entries = await controller.read { state in
                    state.childKeys(.dns, of: name).map { JSONValue.object(state.row(.dns, $0)!) }
                }
                guard !entries.isEmpty else { throw .notFound("No entries for network \(name)") }
                return Responses.config("dns", [name: .array(entries)])
            }
        }
        groups.admin.post("/config/dns/:name") { request, context in
            await answer { () throws(LunaError) in
                let name = try network.name(context)
                let body = try await RequestBody.json(request)
                guard let entries = body["config"]?["dns"]?[name], entries.arrayValue != nil else {
                    throw .invalid("data structure incomplete or incorrect: expected config:dns:\(name) as a list")
                }
                return try await submit(controller, "DNS.update", name, ["entries": entries], request)
            }
        }
        groups.admin.get("/config/dns/:name/:host/_delete") { request, context in
            await answer { () throws(LunaError) in
                let name = try network.name(context)
                let host = try context.checked("host", as: .host)
                return try await submit(controller, "DNS.delete", name, ["host": .string(host)], request)
            }
        }
        for action in ["couple", "decouple"] {
            groups.admin.get("/config/route/:name/:tableref/:target/_\(action)") { request, context in
                await answer { () throws(LunaError) in
                    let name = try ConfigKinds.route.name(context)
                    let body: Row = [
                        "tableref": .string(context.decoded("tableref")), "target": .string(context.decoded("target")),
                    ]
                    return try await submit(controller, "Route.\(action)", name, body, request)
                }
            }
        }
    }

    static func submit(_ controller: Controller, _ intent: String, _ name: String, _ body: Row, _ request: Request)
        async throws(LunaError) -> Response
    {
        Responses.outcome(
            try await controller.submit(intent, object: name, body: body, actor: request.actor, requestID: request.requestID))
    }
}
