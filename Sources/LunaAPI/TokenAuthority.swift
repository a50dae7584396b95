import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import LunaDomain
import LunaModel
import Synchronization

/// luna2's tokens: HS256 JWTs in the `x-access-tokens` header. Admin tokens carry
/// `id`; provision tokens carry `node` and `scope: provision` and may only touch their node.
public struct TokenAuthority: Sendable {
    struct Claims: JWTPayload {
        var id: Int?
        var node: String?
        var scope: String?
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    let keys: JWTKeyCollection
    /// Tokens already verified: a client sends the same token with every request, and
    /// decoding and verifying it each time costs more than most reads.
    let verified = VerifiedTokens()
    let username: String
    let password: String
    /// The login nodes' initrds carry, good at `/tpm` only (see `LunaConfig.nodeLogin`).
    let nodeLogin: (username: String, password: String)?
    let lifetime: Int

    public init(
        secret: String, username: String, password: String, nodeLogin: (username: String, password: String)? = nil,
        lifetime: Int
    ) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.username = username
        self.password = password
        self.nodeLogin = nodeLogin
        self.lifetime = lifetime
    }

    /// Checks the ini login and issues an admin token.
    func login(_ body: JSONValue) async throws(LunaError) -> String {
        guard let fields = body.objectValue, !fields.isEmpty else { throw LunaError(.unauthorized, "Login Required") }
        guard let user = fields["username"]?.stringValue, !user.isEmpty else {
            throw LunaError(.unauthorized, "Username Is Required")
        }
        guard let given = fields["password"]?.stringValue, !given.isEmpty else {
            throw LunaError(.unauthorized, "Password Is Required")
        }
        guard user == username else { throw LunaError(.unauthorized, "User \(user) does not exist") }
        guard given == password else { throw LunaError(.unauthorized, "Incorrect password ******, check luna.ini") }
        return try await sign(Claims(id: 0, exp: ExpirationClaim(value: Date().addingTimeInterval(Double(lifetime)))))
    }

    /// How long a node's provision token lasts: its whole install, as luna2's 60 minutes.
    static let provisionLifetime: TimeInterval = 3600

    /// A token that lets a node fetch its installer, report its states and read its
    /// secrets, and nothing of any other node or of the admin routes.
    func provisionToken(for node: String) async throws(LunaError) -> String {
        try await sign(
            Claims(node: node, scope: "provision", exp: ExpirationClaim(value: Date().addingTimeInterval(Self.provisionLifetime)))
        )
    }

    /// Checks the login a node's initrd carries: the node pair, or the admin pair as luna2's
    /// `/tpm` took it.
    func checkLogin(_ body: Row) throws(LunaError) {
        guard let user = body["username"]?.stringValue, !user.isEmpty, let given = body["password"]?.stringValue, !given.isEmpty
        else {
            throw LunaError(.unauthorized, "Login Required")
        }
        let node = nodeLogin.map { user == $0.username && given == $0.password } ?? false
        guard node || (user == username && given == password) else {
            throw LunaError(.unauthorized, "Invalid login: check USERNAME and PASSWORD in the node's /etc/luna/node.ini")
        }
    }

    func sign(_ claims: Claims) async throws(LunaError) -> String {
        do {
            return try await keys.sign(claims)
        } catch {
            throw LunaError(.unavailable, "Service unavailable: the token could not be signed (\(error))")
        }
    }

    /// The actor a valid header names ("admin" or "node:<name>"), or the refusal.
    func check(_ header: String?, node: String?) async -> Result<String, Refusal> {
        guard let header, !header.isEmpty else {
            return .failure(Refusal(status: .unauthorized, message: "A valid token is missing"))
        }
        let claims: Claims
        if let known = verified.claims(for: header, now: Date()) {
            claims = known
        } else {
            guard let checked = try? await keys.verify(header, as: Claims.self) else {
                return .failure(Refusal(status: .unauthorized, message: "Token is invalid"))
            }
            verified.remember(header, checked)
            claims = checked
        }
        guard claims.scope == "provision" else { return .success("admin") }
        guard let node else { return .failure(Refusal(status: .forbidden, message: "Token is not permitted for this endpoint")) }
        guard claims.node == node || node == Self.anyNode else {
            return .failure(Refusal(status: .forbidden, message: "Token is not valid for this node"))
        }
        return .success("node:\(claims.node ?? node)")
    }

    /// The `node` to `check` for a route any node's provision token may use.
    static let anyNode = "*"

    struct Refusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }
}

/// Verified tokens and their claims, bounded; an expired one is never answered from here.
final class VerifiedTokens: Sendable {
    static let capacity = 4096
    private let tokens = Mutex<[String: TokenAuthority.Claims]>([:])

    func claims(for token: String, now: Date) -> TokenAuthority.Claims? {
        guard let claims = tokens.withLock({ $0[token] }), claims.exp.value > now else { return nil }
        return claims
    }

    /// Past the capacity the cache starts again empty: a bound, not an eviction policy.
    func remember(_ token: String, _ claims: TokenAuthority.Claims) {
        tokens.withLock { tokens in
            if tokens.count >= Self.capacity { tokens.removeAll() }
            tokens[token] = claims
        }
    }
}

/// Checks the `x-access-tokens` header for the routes of one access group.
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    enum Scope {
        case admin
        /// Provision tokens pass when their node is the route's `parameter`.
        case ownNode(parameter: String)
        /// Any node's provision token passes.
        case anyNode
    }

    let authority: TokenAuthority
    let scope: Scope

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        var node: String?
        switch scope {
        case .admin: node = nil
        case .ownNode(let parameter): node = context.decoded(parameter)
        case .anyNode: node = TokenAuthority.anyNode
        }
        switch await authority.check(request.headers[HTTPField.Name("x-access-tokens")!], node: node) {
        case .success(let actor):
            // Whatever the client sent under this name is replaced: the token says who acts.
            var head = request.head
            head.headerFields[.actor] = actor
            return try await next(Request(head: head, body: request.body), context)
        case .failure(let refusal): return Responses.message(refusal.message, status: refusal.status)
        }
    }
}
