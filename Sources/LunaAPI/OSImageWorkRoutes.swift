import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// luna2's master-only image work: `GET /config/osimage/<name>/_pack` and
/// `POST /config/osimage/<name>/kernel`. Either answers at once with a request id; the
/// work runs on the master and its lines are followed at `/config/status/<request_id>`.
enum OSImageWorkRoutes {
    static func add(to groups: RouteGroups, controller: Controller, work: ImageWork?) {
        let kind = ConfigKinds.osimage
        groups.admin.get("/config/osimage/:name/_pack") { request, context in
            await answer { () async throws(LunaError) -> Response in
                let name = try kind.name(context)
                return try await start(work, "pack", name, request)
            }
        }
        groups.admin.post("/config/osimage/:name/kernel") { request, context in
            await answer { () async throws(LunaError) -> Response in
                let name = try kind.name(context)
                let body = try await RequestBody.object(request, at: ["config", "osimage", name])
                try FieldSchema.refuseUnknown(body, allowed: ["kernelversion", "name"], kind: "osimage kernel")
                guard let version = body["kernelversion"]?.stringValue, !version.isEmpty else {
                    throw .invalid("Invalid request: kernelversion is required")
                }
                return try await start(work, "kernel", name, request, options: ["kernelversion": .string(version)])
            }
        }
    }

    static func start(_ work: ImageWork?, _ kind: String, _ image: String, _ request: Request, options: Row = [:])
        async throws(LunaError) -> Response
    {
        guard let work else { throw LunaError(.unavailable, "Service unavailable: this controller runs no OS image work") }
        try await work.start(kind, image: image, actor: request.actor, request: request.requestID, options: options)
        return Responses.json(["message": .string("osimage pack for \(image) queued"), "request_id": .string(request.requestID)])
    }
}
