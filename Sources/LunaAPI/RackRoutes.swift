import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// Rack inventory: what sits where. Racks themselves use the standard routes.
enum RackRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        groups.admin.get("/config/rack/inventory") { _, _ in
            let items = await controller.read { RackInventoryView(state: $0).items(nil) }
            return inventory(items)
        }
        // The capture shares its place with `inventory/:name/type/…`, so it has that name.
        groups.admin.get("/config/rack/inventory/:name") { _, context in
            await answer { () throws(LunaError) in
                let text = context.decoded("name")
                guard let subset = RackInventoryView.Subset(rawValue: text) else {
                    throw .invalid("Invalid request: the inventory subset is configured or unconfigured, not '\(text)'")
                }
                return inventory(await controller.read { RackInventoryView(state: $0).items(subset) })
            }
        }
        groups.admin.post("/config/rack/inventory") { request, _ in
            await answer { () throws(LunaError) in
                let body = try await RequestBody.json(request)
                guard let items = body["config"]?["rack"]?["inventory"]?.arrayValue else {
                    throw .invalid("data structure incomplete or incorrect: expected config:rack:inventory as a list")
                }
                return Responses.outcome(
                    try await controller.submit(
                        "Rack.inventory.update", object: "inventory", body: ["items": .array(items)], actor: request.actor,
                        requestID: request.requestID))
            }
        }
        groups.admin.get("/config/rack/inventory/:name/type/:type/_delete") { request, context in
            await answer { () throws(LunaError) in
                let body: Row = [
                    "name": .string(try context.checked("name", as: .host)), "type": .string(context.decoded("type")),
                ]
                return Responses.outcome(
                    try await controller.submit(
                        "Rack.inventory.delete", object: "inventory", body: body, actor: request.actor,
                        requestID: request.requestID))
            }
        }
    }

    static func inventory(_ items: [JSONValue]) -> Response {
        Responses.json(["config": ["rack": ["inventory": .array(items)]]])
    }
}
