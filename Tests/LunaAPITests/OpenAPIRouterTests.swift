import Foundation
import Hummingbird
import LunaAPI
import Testing
import Yams

/// Specs/openapi.yaml and the router describe the same API: no route unspecified, no
/// specified path unserved. Parameter names may differ; their places may not.
struct OpenAPIRouterTests {
    static func specified() throws -> Set<String> {
        let text = try String(contentsOf: APIHarness.root.appendingPathComponent("Specs/openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var out: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                out.insert("\(method.uppercased()) \(shape(path))")
            }
        }
        return out
    }

    /// `/config/node/{name}` → `/config/node/{}`.
    static func shape(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("{") ? "{}" : String($0) }.joined(separator: "/")
    }

    @Test func theRouterServesExactlyWhatTheSpecDescribes() async throws {
        let harness = try await APIHarness.make()
        let router = LunaApplication.router(controller: harness.controller, tokens: harness.tokens, boot: harness.boot)
        let served = Set(router.routes.map { "\($0.method.rawValue) \(Self.shape("\($0.path)"))" })
        let specified = try Self.specified()
        #expect(served.subtracting(specified).sorted() == [], "served but not in Specs/openapi.yaml")
        #expect(specified.subtracting(served).sorted() == [], "in Specs/openapi.yaml but not served")
        #expect(served.count > 100)
        await harness.controller.close()
    }
}
