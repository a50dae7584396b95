import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// `POST /tpm/<node>`: a booting node's initramfs logs in with the credentials baked
/// into it and proves which machine it is (its TPM's PCR hash, or a node secret). It
/// gets a provision token for that node only — luna2 handed out an admin token here.
enum NodeAuthRoutes {
    static func add(to groups: RouteGroups, booting: NodeBooting, tokens: TokenAuthority) {
        groups.open.post("/tpm/:name") { request, context in
            await answer { () throws(LunaError) in
                let node = try context.checked("name", as: .host)
                guard let body = try await RequestBody.json(request).objectValue else {
                    throw .invalid("Invalid request: the body must be a JSON object with username and password")
                }
                try FieldSchema.refuseUnknown(body, allowed: ["username", "password", "tpm_sha256", "node_secret"], kind: "tpm")
                try tokens.checkLogin(body)
                let hash = body["tpm_sha256"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                try await booting.authenticate(
                    node: node, tpmHash: hash, secret: body["node_secret"]?.stringValue,
                    by: NodeBooting.Asker(actor: "node:\(node)", requestID: request.requestID))
                return Responses.json(["token": .string(try await tokens.provisionToken(for: node))])
            }
        }
    }
}
