import Hummingbird

/// Where a route is declared says who may call it — luna2's three kinds of access, each
/// a collection with its own middleware, so no path is ever parsed to decide.
struct RouteGroups {
    /// No token: the version, the login, request status, the ping.
    let open = RouteCollection(context: LunaRequestContext.self)
    /// An admin token (luna2's `token_required`).
    let admin: RouteCollection<LunaRequestContext>
    /// An admin token, or a provision token for the node its `:name` names (luna2's
    /// `provision_token_required`): what a node installing itself may touch.
    let node: RouteCollection<LunaRequestContext>
    /// An admin token or any node's provision token: what every installing node reads
    /// (roles, scripts, image archives).
    let anyNode: RouteCollection<LunaRequestContext>

    init(tokens: TokenAuthority) {
        admin = RouteCollection(context: LunaRequestContext.self).add(
            middleware: TokenMiddleware(authority: tokens, scope: .admin))
        node = RouteCollection(context: LunaRequestContext.self)
            .add(middleware: TokenMiddleware(authority: tokens, scope: .ownNode(parameter: "name")))
        anyNode = RouteCollection(context: LunaRequestContext.self)
            .add(middleware: TokenMiddleware(authority: tokens, scope: .anyNode))
    }

    func add(to router: Router<LunaRequestContext>) {
        router.addRoutes(open)
        router.addRoutes(admin)
        router.addRoutes(node)
        router.addRoutes(anyNode)
    }
}
