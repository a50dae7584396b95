import Foundation
import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// Install states: a node reports each step (`POST /monitor/node/<name>`, its own
/// provision token), anyone reads them. Every report is an event, so every controller
/// shows the same and the log tells each node's install story.
enum NodeStateRoutes {
    static func add(to groups: RouteGroups, booting: NodeBooting) {
        let controller = booting.controller
        groups.open.get("/monitor/node") { _, _ in
            let states = await controller.read { state in
                state.keys(.node).compactMap { name -> (String, JSONValue)? in
                    guard let row = state.row(.node, name), let current = row["status"]?.stringValue else { return nil }
                    let code = statusCode(current)
                    return (
                        name,
                        [
                            "state": .string("\(name) \(current)"), "status": .string(code.map(String.init) ?? "None"),
                            "changed": changed(row),
                        ]
                    )
                }
            }
            return Responses.json(["monitor": ["status": ["node": .object(Dictionary(uniqueKeysWithValues: states))]]])
        }
        groups.open.get("/monitor/node/:name") { _, context in
            await answer { () throws(LunaError) in
                let name = try context.checked("name", as: .host)
                guard let row = await controller.read({ $0.row(.node, name) }) else { throw .notFound("\(name) not found") }
                let current = row["status"]?.stringValue
                let entry: JSONValue = [
                    "state": current.map { .string($0) } ?? .null,
                    "status": current.flatMap(statusCode).map { .int($0) } ?? .null, "changed": changed(row),
                ]
                return Responses.json(["monitor": ["status": .object([name: entry])]])
            }
        }
        groups.node.post("/monitor/node/:name") { request, context in
            await answer { () throws(LunaError) in
                let name = try context.checked("name", as: .host)
                let body = try await RequestBody.object(request, at: ["monitor", "status", name])
                try FieldSchema.refuseUnknown(body, allowed: ["state"], kind: "monitor status")
                guard let state = body["state"]?.stringValue else {
                    throw .invalid("data structure incomplete or incorrect: expected monitor:status:\(name):state")
                }
                try await booting.record(state, node: name, by: request.asker)
                return Response(status: .noContent)
            }
        }
    }

    /// luna2's status: 200 for the installer's known states, 500 for an error, none else.
    static func statusCode(_ state: String) -> Int? {
        if state == "install.error" || state == "install.refused" { return 500 }
        return NodeStatus.display(state) != state ? 200 : nil
    }

    /// When the state last changed, as ISO 8601 UTC, or null.
    static func changed(_ row: Row) -> JSONValue {
        guard case .int(let millis)? = row["status_time"] else { return .null }
        return .string(RequestStatusRoutes.format(Int64(millis)))
    }
}
