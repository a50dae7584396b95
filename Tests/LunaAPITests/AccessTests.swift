import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import LunaLog
import LunaModel
import NIOCore
import Testing

@testable import LunaAPI

/// Who may call what: open routes, admin routes, a node's own routes for its provision
/// token; unknown paths and wrong methods.
struct AccessTests {
    static func provisionToken(_ harness: APIHarness, node: String) async throws -> String {
        try await harness.tokens.sign(
            .init(id: nil, node: node, scope: "provision", exp: ExpirationClaim(value: Date().addingTimeInterval(600))))
    }

    @Test func aProvisionTokenReachesItsOwnNodeOnly() async throws {
        let harness = try await APIHarness.make()
        let own = try await Self.provisionToken(harness, node: "node001")
        try await harness.run { api in
            let mine = envelope("node", "node001", ["vendor": "acme"])
            #expect(try await api.send("/config/node/node001", .post, mine.canonicalText, token: own).status == .noContent)
            #expect(try await api.get("/config/secrets/node/node001", token: own).status != .forbidden)
            let other = try await api.send(
                "/config/node/node002", .post, envelope("node", "node002", ["vendor": "x"]).canonicalText, token: own)
            #expect(other.status == .forbidden)
            #expect(other.message == "Token is not valid for this node")
            let admin = try await api.get("/config/node/node001", token: own)
            #expect(admin.status == .forbidden)
            #expect(admin.message == "Token is not permitted for this endpoint")
            #expect(try await api.get("/config/cluster", token: own).status == .forbidden)
            #expect(try await api.get("/config/node/node002").body?["config"]?["node"]?["node002"]?["vendor"] != "x")
        }
    }

    @Test func openRoutesNeedNoTokenAndOthersDo() async throws {
        try await APIHarness.make().run { api in
            for path in ["/version", "/ping", "/", "/all-routes"] {
                #expect(try await api.get(path, token: "").status == .ok, "\(path)")
            }
            let missing = try await api.get("/config/node", token: "")
            #expect(missing.status == .unauthorized)
            #expect(missing.message == "A valid token is missing")
            #expect(try await api.get("/config/node", token: "garbage").message == "Token is invalid")
        }
    }

    @Test func unknownPathsAreAnEmpty404AndWrongMethodsA405() async throws {
        try await APIHarness.make().run { api in
            for token in ["", api.token] {
                let unknown = try await api.get("/config/nosuchthing/x", token: token)
                #expect(unknown.status == .notFound)
                #expect(unknown.body == nil, "an empty body, as luna2")
            }
            let wrong = try await api.send("/config/node/node001/_delete", .post, "{}")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.message.contains("it takes GET"))
        }
    }

    @Test func allRoutesListsWhatTheRouterServes() async throws {
        try await APIHarness.make().run { api in
            let routes = try #require(try await api.get("/all-routes", token: "").body?.arrayValue)
            let listed = Set(
                routes.compactMap { route in route["method"]?.stringValue.map { "\($0) \(route["route"]!.stringValue!)" } })
            #expect(listed.contains("GET /config/node/{name}"))
            #expect(listed.contains("POST /token"))
            #expect(listed.contains("GET /all-routes"))
        }
    }
}

/// Every route the router has, tried without a token and with a provision token: the
/// open ones answer, the others refuse as luna2 does.
struct EveryRouteAccessTests {
    static let open: Set<String> = [
        "GET /version", "GET /ping", "GET /", "GET /all-routes", "POST /token", "GET /config/status/{request_id}",
        "GET /monitor/ha", "GET /monitor/ha/{name}", "GET /monitor/mother", "GET /monitor/mother/{name}",
        "GET /monitor/osimage", "GET /monitor/osimage/{name}", "GET /monitor/sync", "GET /monitor/sync/{name}",
        "GET /boot", "GET /boot/short", "GET /boot/disk", "GET /boot/search/mac/{mac}", "GET /boot/manual/group/{group}/{mac}",
        "GET /boot/manual/hostname/{name}/{mac}", "GET /kickstart/install/{name}", "GET /boot/switch/{name}",
        "GET /boot/switch/{name}/commands", "GET /announce", "GET /scrape", "GET /files", "GET /files/{file}",
        "GET /monitor/node", "GET /monitor/node/{name}",
        "POST /tpm/{name}", "GET /monitor/service/{name}", "GET /service/status/{request_id}",
        "GET /control/status/{request_id}", "GET /metrics", "GET /status",
    ]
    static let nodeScoped: Set<String> = [
        "POST /config/node/{name}", "GET /config/secrets/node/{name}", "GET /boot/install/{name}", "POST /monitor/node/{name}",
    ]
    /// What every installing node reads: any node's provision token passes.
    static let anyNode: Set<String> = ["GET /boot/roles/{role}", "GET /boot/scripts/{script}"]

    /// A concrete path for a route: every capture filled with a name that fits.
    static func concrete(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix("{") ? "node002" : String($0) }
            .joined(separator: "/")
    }

    @Test func everyRouteButTheOpenOnesRefusesWithoutATokenAndAForeignProvisionToken() async throws {
        let harness = try await APIHarness.make()
        let provision = try await AccessTests.provisionToken(harness, node: "node001")
        let routes = LunaApplication.router(controller: harness.controller, tokens: harness.tokens, boot: harness.boot).routes.map
        {
            (method: $0.method, path: "\($0.path)")
        }
        try await harness.run { api in
            for route in routes {
                let label = "\(route.method.rawValue) \(route.path)"
                let path = Self.concrete(route.path)
                let body = route.method == .post ? "{}" : nil
                let bare = try await api.send(path, route.method, body, token: "")
                let foreign = try await api.send(path, route.method, body, token: provision)
                if Self.open.contains(label) {
                    #expect(bare.message != "A valid token is missing", "\(label) is open")
                    continue
                }
                #expect(bare.status == .unauthorized, "\(label) without a token")
                #expect(bare.message == "A valid token is missing", "\(label)")
                if Self.anyNode.contains(label) {
                    #expect(foreign.status != .forbidden && foreign.status != .unauthorized, "\(label) takes any node's token")
                    continue
                }
                #expect(foreign.status == .forbidden, "\(label) with node001's provision token")
                let expected =
                    Self.nodeScoped.contains(label)
                    ? "Token is not valid for this node" : "Token is not permitted for this endpoint"
                #expect(foreign.message == expected, "\(label)")
            }
        }
    }
}

/// The cache of verified tokens answers only for the exact token, and never once expired.
struct VerifiedTokenTests {
    @Test func anExpiredOrAlteredTokenIsNeverTakenFromTheCache() async throws {
        let harness = try await APIHarness.make()
        let authority = harness.tokens
        let past = TokenAuthority.Claims(id: 0, exp: ExpirationClaim(value: Date().addingTimeInterval(-10)))
        authority.verified.remember("stale", past)
        #expect(authority.verified.claims(for: "stale", now: Date()) == nil)

        let token = try await authority.sign(.init(id: 0, exp: ExpirationClaim(value: Date().addingTimeInterval(600))))
        guard case .success = await authority.check(token, node: nil) else { Issue.record("a valid token"); return }
        #expect(authority.verified.claims(for: token, now: Date()) != nil, "remembered once verified")
        // The signature's first character: its last carries bits a decoder may ignore.
        let signature = token.index(after: token.lastIndex(of: ".")!)
        let altered =
            String(token[..<signature]) + (token[signature] == "A" ? "B" : "A") + token[token.index(after: signature)...]
        guard case .failure(let refusal) = await authority.check(altered, node: nil) else {
            Issue.record("an altered signature passed")
            return
        }
        #expect(refusal.message == "Token is invalid")
        await harness.controller.close()
    }
}

/// Every route with a path parameter refuses a value its pattern does not take with a
/// 400 and luna2's sentence, and every GET of an object answers 404 for one that is not there.
struct EveryRouteInputTests {
    /// Routes whose parameters are not names of objects: luna2's inter-controller routes
    /// (410 whatever they are given).
    static let unchecked: Set<String> = ["GET /journal/{host}", "GET /journal/{host}/_delete", "GET /table/data/{table}"]

    @Test func aBadPathParameterIsRefusedBeforeAnythingHappens() async throws {
        let harness = try await APIHarness.make()
        let routes = LunaApplication.router(controller: harness.controller, tokens: harness.tokens, boot: harness.boot).routes.map
        {
            (method: $0.method, path: "\($0.path)")
        }
        try await harness.run { api in
            for route in routes where route.path.contains("{") {
                let label = "\(route.method.rawValue) \(route.path)"
                guard !Self.unchecked.contains(label) else { continue }
                let path = route.path.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0.hasPrefix("{") ? "Bad%20Name%21" : String($0) }.joined(separator: "/")
                let reply = try await api.send(path, route.method, route.method == .post ? "{}" : nil)
                #expect(reply.status == .badRequest, "\(label): \(reply.status) \(reply.message)")
            }
        }
    }

    @Test func aMissingObjectIsA404() async throws {
        let harness = try await APIHarness.make()
        let routes = LunaApplication.router(controller: harness.controller, tokens: harness.tokens, boot: harness.boot).routes.map
        {
            (method: $0.method, path: "\($0.path)")
        }
        try await harness.run { api in
            for route in routes where route.method == .get && route.path.hasPrefix("/config/") && route.path.hasSuffix("{name}") {
                let path = route.path.replacingOccurrences(of: "{name}", with: "nosuchthing")
                let reply = try await api.get(path)
                #expect(
                    reply.status == .notFound || route.path.hasPrefix("/config/rack/inventory"), "\(route.path): \(reply.status)")
                #expect(!reply.message.isEmpty || route.path.hasPrefix("/config/rack/inventory"), "\(route.path) says why")
            }
        }
    }
}

/// The log records who wrote: the admin, or the node whose provision token made the write,
/// whatever the client claims in the header the token check sets.
struct ActorTests {
    @Test func eachEventRecordsTheActorItsTokenNames() async throws {
        let harness = try await APIHarness.make()
        let own = try await AccessTests.provisionToken(harness, node: "node001")
        let path = harness.directory + "/log/events.lunalog"
        try await harness.run { api in
            let mine = envelope("node", "node001", ["vendor": "acme"])
            #expect(try await api.send("/config/node/node001", .post, mine.canonicalText, token: own).status == .noContent)
            var headers = HTTPFields()
            headers[HTTPField.Name("x-access-tokens")!] = api.token
            headers[HTTPField.Name("x-luna-actor")!] = "node:node002"
            let claimed = envelope("node", "node002", ["vendor": "other"]).canonicalText
            _ = try await api.client.execute(
                uri: "/config/node/node002", method: .post, headers: headers, body: ByteBuffer(string: claimed))
            let events = try LogScanner(path: path).scan([UInt8](Data(contentsOf: URL(fileURLWithPath: path)))).events
            #expect(events.last { $0.object == "node001" }?.actor == "node:node001")
            #expect(events.last { $0.object == "node002" }?.actor == "admin", "the header a client sends is not believed")
        }
    }
}
