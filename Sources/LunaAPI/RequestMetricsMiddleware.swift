import Hummingbird
import Metrics

/// Times every request by route family and status class, for `GET /metrics`
/// (`luna_http_request_duration_seconds`). The time ends when the handler answers; a
/// streamed body (an image archive) is not waited for.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = LunaRequestContext
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let started = ContinuousClock.now
        let family = table.family(of: request.uri.path)
        do {
            let response = try await next(request, context)
            record(family, response.status.code, since: started)
            return response
        } catch let error as HTTPResponseError {
            record(family, error.status.code, since: started)
            throw error
        } catch {
            record(family, 500, since: started)
            throw error
        }
    }

    private func record(_ family: String, _ status: Int, since started: ContinuousClock.Instant) {
        Timer(label: "luna_http_request_duration_seconds", dimensions: [("family", family), ("status", "\(status / 100)xx")])
            .record(duration: ContinuousClock.now - started)
    }
}
