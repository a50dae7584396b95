import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// OS image tags: tag an image, list tags, remove one.
enum OSImageRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        let kind = ConfigKinds.osimage
        groups.admin.post("/config/osimage/:name/tag") { request, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let body = try await RequestBody.object(request, at: ["config", "osimage", name])
                return try await kind.submit(controller, "tag", name, body, request)
            }
        }
        groups.admin.get("/config/osimage/:name/osimagetag/:tag/_delete") { request, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let tag = try context.checked("tag", as: .object)
                return try await kind.submit(controller, "tag.delete", name, ["tag": .string(tag)], request)
            }
        }
        groups.admin.get("/config/osimagetag") { _, _ in
            await answer { () throws(LunaError) in
                let tags = await controller.read { state in OSImageTagView(state: state).tags(of: nil) }
                guard !tags.isEmpty else { throw .notFound("No osimagetag is available") }
                return Responses.config("osimagetag", tags)
            }
        }
        // As in luna2, the name is the image's: its tags, keyed by tag.
        groups.admin.get("/config/osimagetag/:name") { _, context in
            await answer { () throws(LunaError) in
                let name = try kind.name(context)
                let tags = await controller.read { state in OSImageTagView(state: state).tags(of: name) }
                guard !tags.isEmpty else { throw .notFound("No osimagetag is available for OS Image \(name)") }
                return Responses.config("osimagetag", tags)
            }
        }
    }
}
