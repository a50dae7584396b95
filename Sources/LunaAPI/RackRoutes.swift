import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// Rack inventory: what sits where. Racks themselves use the standard routes.
enum RackRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        groups.admin.get("/config/rack/inventory") { _, _ in
            await answer { () throws(LunaError) in
                let items = await controller.read { state in
                    state.keys(.rackinventory).map { key -> JSONValue in
                        var row = state.row(.rackinventory, key)!
                        row["rack"] = .string(RowKey.split(key).owner)
                        return .object(row)
                    }
                }
                return Responses.json(.object(["config": .object(["rack": .object(["inventory": .array(items)])])]))
            }
        }
        groups.admin.post("/config/rack/inventory") { request, _ in
            await answer { () throws(LunaError) in
                let body = try await RequestBody.json(request)
                guard let items = body["config"]?["rack"]?["inventory"]?.arrayValue else {
                    throw .invalid("data structure incomplete or incorrect: expected config:rack:inventory as a list")
                }
                var last: Outcome = .changed("")
                for item in items {
                    guard var fields = item.objectValue, let rack = fields.removeValue(forKey: "rack")?.stringValue else {
                        throw .invalid("Invalid request: each inventory item needs a rack")
                    }
                    last = try await controller.submit(
                        "Rack.inventory.update", object: rack, body: fields, actor: "admin", requestID: request.requestID)
                }
                return Responses.outcome(last)
            }
        }
        groups.admin.get("/config/rack/inventory/:name/type/:type/_delete") { request, context in
            await answer { () throws(LunaError) in
                let body: Row = [
                    "name": .string(try context.checked("name", as: .host)), "type": .string(context.decoded("type")),
                ]
                return Responses.outcome(
                    try await controller.submit(
                        "Rack.inventory.delete", object: "inventory", body: body, actor: "admin", requestID: request.requestID))
            }
        }
    }
}
