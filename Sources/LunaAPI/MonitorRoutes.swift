import Foundation
import Hummingbird
import LunaModel
import LunaRuntime

/// luna2's `/monitor` views, answered from this controller's state: the request status
/// lines, running background work, replication per controller (`ha`) and the background
/// loops (`mother`: replication and compaction). `osimage` and `sync` report image files.
enum MonitorRoutes {
    static func add(to groups: RouteGroups, controller: Controller, copies: ImageCopies?) {
        groups.admin.get("/monitor/status") { _, _ in
            let messages = await controller.statusMessages().map { message -> JSONValue in
                [
                    "request_id": .string(message.request), "username_initiator": .string(message.actor),
                    "created": .string(RequestStatusRoutes.format(message.line.created)), "read": .int(message.read ? 1 : 0),
                    "message": .string(message.line.text),
                ]
            }
            return Responses.json(["monitor": ["status": .array(messages)]])
        }
        groups.admin.get("/monitor/queue") { _, _ in
            let tasks = await controller.runningTasks().enumerated().map { index, task -> JSONValue in
                [
                    "queue_id": .int(index + 1), "level": "maintask", "subsystem": .string(task.subsystem),
                    "task": .string(task.task), "status": "in progress", "username_initiator": "lunad",
                ]
            }
            return Responses.json(["monitor": ["queue": .array(tasks)]])
        }
        for item in ["ha", "mother", "osimage", "sync"] {
            groups.open.get("/monitor/\(item)") { _, _ in
                await answer { () throws(LunaError) in try await items(item, named: nil, controller: controller, copies: copies) }
            }
            groups.open.get("/monitor/\(item)/:name") { _, context in
                await answer { () throws(LunaError) in
                    try await items(item, named: try context.checked("name", as: .object), controller: controller, copies: copies)
                }
            }
        }
    }

    /// `{"monitor": {"status": {"<item>": {"<name>": {"state", "status"}}}}}`, or luna2's
    /// 404 when there is nothing to report.
    static func items(_ item: String, named name: String?, controller: Controller, copies: ImageCopies?) async throws(LunaError)
        -> Response
    {
        var entries = await states(item, controller: controller, copies: copies)
        if let name { entries = entries.filter { $0.key == name } }
        guard !entries.isEmpty else { throw .notFound("no entries found") }
        let shown = entries.mapValues { entry -> JSONValue in
            ["state": .string(entry.state), "status": .string(String(entry.status))]
        }
        return Responses.json(["monitor": ["status": .object([item: .object(shown)])]])
    }

    static func states(_ item: String, controller: Controller, copies: ImageCopies?) async -> [String: (
        state: String, status: Int
    )] {
        switch item {
        case "ha":
            let status = await controller.clusterStatus()
            return Dictionary(
                uniqueKeysWithValues: status.members.map { member in
                    let sync = member.inSync ? "in sync" : "behind by \(member.lagEvents) events"
                    return (member.name, ("\(member.name) \(member.role), \(sync)", member.inSync ? 200 : 503))
                })
        case "mother":
            let status = await controller.clusterStatus()
            let behind = status.members.filter { !$0.inSync }.map(\.name)
            let replication =
                behind.isEmpty
                ? ("replication with \(status.members.count - 1) peers, all in sync", 200)
                : ("replication: \(behind.joined(separator: ", ")) not in sync", 503)
            let drift = status.incidents.isEmpty ? "" : ", \(status.incidents.count) incidents recorded"
            return [
                "replication": (replication.0 + drift, replication.1),
                "compaction": ("compaction: \(status.logEvents) events in the log after the snapshot", 200),
            ]
        case "osimage":
            guard let copies else { return [:] }
            let packing = await controller.read { state in
                Set(state.rows(.osimage).filter { $0.value["packing"] != nil }.keys)
            }
            return await copies.report().reduce(into: [:]) { out, entry in
                let (image, byController) = entry
                let lacking = byController.filter { $0.value != .complete }.keys.sorted()
                let held = byController.keys.sorted().map { "\($0) \(byController[$0]!.rawValue)" }.joined(separator: ", ")
                let pack = packing.contains(image) ? "packing; " : ""
                out[image] = ("\(image) \(pack)\(held)", lacking.isEmpty ? 200 : 503)
            }
        default:
            // The unpacked trees are not kept in step between controllers: nothing to report.
            return [:]
        }
    }
}
