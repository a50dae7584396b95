import Hummingbird
import LunaBoot
import LunaDomain
import LunaModel
import LunaRuntime

/// luna2's boot routes: what iPXE asks (public), what a node's initramfs asks with its
/// token (the installer), and what an installer reads (roles, scripts).
enum BootRoutes {
    static func add(to groups: RouteGroups, booting: NodeBooting, tokens: TokenAuthority) {
        groups.open.get("/boot") { _, _ in await script { () throws(LunaError) in try await booting.menu(short: false) } }
        groups.open.get("/boot/short") { _, _ in await script { () throws(LunaError) in try await booting.menu(short: true) } }
        groups.open.get("/boot/disk") { _, _ in await script { () throws(LunaError) in try await booting.disk() } }
        groups.open.get("/boot/search/mac/:mac") { request, context in
            await script { () throws(LunaError) in try await booting.search(mac: context.decoded("mac"), by: request.asker) }
        }
        groups.open.get("/boot/manual/group/:group/:mac") { request, context in
            await script { () throws(LunaError) in
                let group = try context.checked("group", as: .object)
                return try await booting.manual(group: group, mac: context.decoded("mac"), by: request.asker)
            }
        }
        groups.open.get("/boot/manual/hostname/:name/:mac") { request, context in
            await script { () throws(LunaError) in
                let node = try context.checked("name", as: .host)
                return try await booting.manual(node: node, mac: context.decoded("mac"), by: request.asker)
            }
        }
        groups.node.get("/boot/install/:name") { request, context in
            await script { () throws(LunaError) in
                let node = try context.checked("name", as: .host)
                let token = try await tokens.provisionToken(for: node)
                return try await booting.installer(node, token: token, by: request.asker)
            }
        }
        groups.open.get("/kickstart/install/:name") { _, context in
            await script { () throws(LunaError) in
                let node = try context.checked("name", as: .host)
                let renderer = booting.renderer
                let result = try await booting.controller.read { state throws(LunaError) in
                    try renderer.kickstart(node, state: state)
                }
                switch result {
                case .success(let text): return text
                case .failure(let failure): throw .notFound(failure.reason)
                }
            }
        }
        addPluginReads(to: groups, booting: booting)
    }

    /// Roles and scripts, base64 as luna2 serves them; switch zero-touch recipes.
    static func addPluginReads(to groups: RouteGroups, booting: NodeBooting) {
        let renderer = booting.renderer
        groups.anyNode.get("/boot/roles/:role") { _, context in
            await answer { () throws(LunaError) in
                let role = try context.checked("role", as: .object)
                guard let found = renderer.role(role, state: await booting.state()) else {
                    throw .notFound("Role \(role) has no plugin and there is no boot/roles/default.sh")
                }
                return Responses.json([
                    "role": [
                        role: [
                            "unit": .string(Base64Text.encode(found.unit)), "script": .string(Base64Text.encode(found.script)),
                        ]
                    ]
                ])
            }
        }
        groups.anyNode.get("/boot/scripts/:script") { _, context in
            await answer { () throws(LunaError) in
                let name = try context.checked("script", as: .object)
                guard let parts = renderer.script(name, state: await booting.state()) else {
                    throw .notFound("Script \(name) has no plugin and there is no boot/scripts/default.sh")
                }
                return Responses.json(["script": [name: .object(parts.mapValues { .string(Base64Text.encode($0)) })]])
            }
        }
        groups.open.get("/boot/switch/:name") { _, context in
            await answer { () throws(LunaError) in
                let name = try context.checked("name", as: .host)
                let text = try await booting.controller.read { state throws(LunaError) in
                    try renderer.switchRecipe(name, state: state)
                }
                return Responses.json(bytes: Array(text.utf8))
            }
        }
        groups.open.get("/boot/switch/:name/commands") { _, context in
            await script { () throws(LunaError) in
                let name = try context.checked("name", as: .host)
                return try await booting.controller.read { state throws(LunaError) in
                    try renderer.switchCommands(name, state: state)
                }
            }
        }
    }

    /// A script or other text for a machine to run, or the refusal as JSON.
    static func script(_ body: () async throws(LunaError) -> String) async -> Response {
        await answer { () throws(LunaError) in Responses.text(try await body()) }
    }
}

extension Request {
    /// The actor and request id a boot request's events record: the node for a token's
    /// routes, `netboot` for the public ones iPXE calls.
    var asker: NodeBooting.Asker {
        NodeBooting.Asker(actor: headers[.actor] ?? "netboot", requestID: requestID)
    }
}
