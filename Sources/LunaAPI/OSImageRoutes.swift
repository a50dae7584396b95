import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// OS image tags: tag an image, list tags, remove one.
enum OSImageRoutes {
    static func add(to routes: RouteCollection<BasicRequestContext>, controller: Controller) {
        let kind = ConfigKinds.osimage
        routes.post("/config/osimage/:name/tag") { request, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let body = try await RequestBody.object(request, at: ["config", "osimage", name])
                return try await kind.submit(controller, "tag", name, body, request)
            }
        }
        routes.get("/config/osimage/:name/osimagetag/:tag/_delete") { request, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let tag = context.parameters.get("tag") ?? ""
                return try await kind.submit(controller, "tag.delete", name, ["tag": .string(tag)], request)
            }
        }
        routes.get("/config/osimagetag") { _, _ in
            await answer { () throws(LunaError) in
                let tags = await controller.read { state in tagRows(state, matching: nil) }
                guard !tags.isEmpty else { throw .notFound("No osimagetag is available") }
                return Responses.config("osimagetag", tags)
            }
        }
        routes.get("/config/osimagetag/:tag") { _, context in
            await answer { () throws(LunaError) in
                let tag = context.parameters.get("tag") ?? ""
                let tags = await controller.read { state in tagRows(state, matching: tag) }
                guard !tags.isEmpty else { throw .notFound("No osimagetag \(tag) is available") }
                return Responses.config("osimagetag", tags)
            }
        }
    }

    /// Tags keyed `<image>/<tag>` become `{"<tag>": {..., "osimage": "<image>"}}` entries.
    static func tagRows(_ state: ClusterState, matching: String?) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for key in state.keys(.osimagetag) {
            let (image, tag) = RowKey.split(key)
            guard matching == nil || matching == tag else { continue }
            var row = state.row(.osimagetag, key)!
            row["osimage"] = .string(image)
            out[key] = .object(row)
        }
        return out
    }
}
