import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// A site's own plugins, which override the shipped ones and reach every controller
/// through the log. A plugin's path holds slashes, so requests name it in the body:
/// `{"config": {"plugin": {"boot/network/redhat9.sh": {"content": "…"}}}}`.
enum SitePluginRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        groups.admin.get("/config/plugin") { _, _ in
            let rows = await controller.read { $0.rows(.plugin) }
            return Responses.json(["config": ["plugin": .object(rows.mapValues { .object($0) })]])
        }
        groups.admin.post("/config/plugin") { request, _ in
            await answer { () throws(LunaError) in
                let (path, fields) = try await one(request)
                return Responses.outcome(
                    try await controller.submit(
                        "Plugin.put", object: path, body: fields, actor: request.actor, requestID: request.requestID))
            }
        }
        groups.admin.post("/config/plugin/_delete") { request, _ in
            await answer { () throws(LunaError) in
                let (path, _) = try await one(request)
                return Responses.outcome(
                    try await controller.submit(
                        "Plugin.delete", object: path, body: [:], actor: request.actor, requestID: request.requestID))
            }
        }
    }

    /// The one plugin a request names.
    static func one(_ request: Request) async throws(LunaError) -> (String, Row) {
        let body = try await RequestBody.json(request)
        guard let plugins = body["config"]?["plugin"]?.objectValue, plugins.count == 1, let (path, value) = plugins.first,
            let fields = value.objectValue
        else {
            throw .invalid("data structure incomplete or incorrect: expected config:plugin:<path> with one plugin")
        }
        return (path, fields)
    }
}
