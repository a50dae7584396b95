import AsyncHTTPClient
import Foundation
import LunaModel
import NIOCore
import NIOHTTP1

/// One controller's API as the CLI speaks it: luna2's `x-access-tokens` header, JSON
/// bodies, and the token kept in a `TokenCache` between invocations.
struct APIClient {
    let settings: ConnectionSettings
    let cache: TokenCache

    /// Connection attempts are not retried: pointed at a dead port, the CLI says so at
    /// once, where `HTTPClient.shared` retries a refused connection until the deadline.
    private static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = .seconds(10)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    init(_ options: ConnectionOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        settings = try options.settings(environment: environment)
        cache = TokenCache(url: settings.url, environment: environment)
    }

    func get(_ path: String) async throws -> APIResponse {
        try await send(.GET, path, body: nil)
    }

    func post(_ path: String, _ body: JSONValue) async throws -> APIResponse {
        try await send(.POST, path, body: body)
    }

    /// Sends with the cached token when there is one; if the server refuses it (the
    /// controller's key changed, or the clocks disagree on its expiry) it logs in once more.
    private func send(_ method: HTTPMethod, _ path: String, body: JSONValue?) async throws -> APIResponse {
        if let cached = cache.read() {
            let response = try await execute(method, path, body: body, token: cached)
            guard response.status == 401 else { return response }
            cache.discard()
        }
        return try await execute(method, path, body: body, token: try await login())
    }

    private func login() async throws -> String {
        let credentials: JSONValue = ["username": .string(settings.username), "password": .string(settings.password)]
        let response = try await execute(.POST, "/token", body: credentials, token: nil)
        guard response.status == 201, let token = response.json?["token"]?.stringValue else {
            throw CommandFailure(description: response.sentence)
        }
        do {
            try cache.write(token)
        } catch {
            // The command still works without the cache; only the next one logs in again.
            FileHandle.standardError.write(Data("luna: the token is not cached: \(error)\n".utf8))
        }
        return token
    }

    private func execute(_ method: HTTPMethod, _ path: String, body: JSONValue?, token: String?) async throws
        -> APIResponse
    {
        var request = HTTPClientRequest(url: settings.url + path)
        request.method = method
        if let token { request.headers.add(name: "x-access-tokens", value: token) }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.canonicalText))
        }
        do {
            let response = try await Self.http.execute(request, timeout: .seconds(60))
            let bytes = try await response.body.collect(upTo: 256 << 20)
            return APIResponse(
                url: settings.url + path, status: Int(response.status.code), bytes: Array(bytes.readableBytesView))
        } catch {
            throw CommandFailure(description: "cannot reach \(settings.url): \(Self.reason(error))")
        }
    }

    /// The operator's words for a transport error; NIO's descriptions name internal types.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused (is lunad running there?)" }
        if text.localizedCaseInsensitiveContains("timeout") || text.localizedCaseInsensitiveContains("deadline") {
            return "no answer in time"
        }
        return text
    }
}
