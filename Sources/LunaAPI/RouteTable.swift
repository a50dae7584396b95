import HTTPTypes
import Hummingbird
import Synchronization

/// The routes the router really has, known once it is built: for `/all-routes`, and to
/// tell a wrong method (405) from an unknown path (luna2's empty 404).
final class RouteTable: Sendable {
    struct Route: Sendable {
        var method: HTTPRequest.Method
        /// `/config/node/{name}`: literal segments and `{parameter}` captures.
        var path: String
    }

    private let storage = Mutex<(routes: [Route], families: Set<String>)>(([], []))

    var routes: [Route] { storage.withLock { $0.routes } }

    func fill(from router: Router<LunaRequestContext>) {
        let routes = router.routes.map { Route(method: $0.method, path: "\($0.path)") }
        let families = Set(routes.compactMap { $0.path.split(separator: "/").first.map(String.init) })
        storage.withLock { $0 = (routes, families) }
    }

    /// A request's route family, its path's first segment (`config`, `boot`, …) when some
    /// route has it, else `unknown`: a fuzzer's paths never make new metric series.
    func family(of path: String) -> String {
        guard let first = path.split(separator: "/").first.map(String.init) else { return "root" }
        return storage.withLock { $0.families.contains(first) } ? first : "unknown"
    }

    /// The methods served on a path matching `path`, if any.
    func methods(servingPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.filter { route in
            let pattern = route.path.split(separator: "/")
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }.map(\.method)
    }
}

/// Turns the router's not-found into luna2's answers: 405 with `Allow` when the path
/// exists for another method, otherwise a 404 with an empty body, token or not.
struct UnknownRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = Set(table.methods(servingPath: request.uri.path).map(\.rawValue)).sorted()
            guard !allowed.isEmpty else { return Response(status: .notFound) }
            var response = Responses.message(
                "Method \(request.method.rawValue) is not allowed on \(request.uri.path); it takes \(allowed.joined(separator: ", "))",
                status: .methodNotAllowed)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
    }
}
