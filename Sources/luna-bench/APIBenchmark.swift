import ArgumentParser
import Foundation
import Hummingbird
import Logging
import LunaModel
import ServiceLifecycle

/// The REST API under `wrk` on loopback with 1,000 nodes: a node shown (inheritance
/// resolved) against /version, the full node list against the same bytes from a trivial
/// server, and node changes against the write benchmark's client in the same run.
struct APIBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api", abstract: "REST API requests per second under wrk.")

    @Option(help: "Nodes loaded before measuring.")
    var nodes = 1000

    @Option(help: "Seconds per wrk run.")
    var seconds = 5

    func run() async throws {
        let lunad = try await BenchController(fsync: true)
        for index in 0..<nodes {
            let name = String(format: "n%04d", index)
            let reply = try await lunad.request(
                .POST, "/config/node/\(name)", ["config": ["node": .object([name: ["group": "compute-group"]])]])
            guard reply.status == 201 else { throw BenchFailure(description: "creating \(name) answered \(reply.status)") }
        }
        let base = "http://127.0.0.1:\(lunad.port)"
        let wrk = { (path: String, script: String?) in
            try WrkRun(url: base + path, token: lunad.token, seconds: seconds, script: script).run()
        }
        let version = try wrk("/version", nil)
        let show = try wrk("/config/node/" + String(format: "n%04d", nodes / 2), nil)
        let list = try wrk("/config/node", nil)
        let listBytes = try await lunad.request(.GET, "/config/node").body?.canonicalText ?? ""
        let trivial = try await TrivialServer.serving(listBytes + "\n") { url in
            try WrkRun(url: url, token: "", seconds: seconds).run()
        }
        let uncachedShow = try await Self.afterAWrite(lunad, "/config/node/" + String(format: "n%04d", nodes / 2))
        let uncachedList = try await Self.afterAWrite(lunad, "/config/node")
        let change = try wrk("/config/node/n0001", Self.changeScript(nodes: nodes))
        let client = try await WritesBenchmark.parse(["--seconds", String(seconds)]).measure(lunad) { client, index in
            let name = String(format: "n%04d", (client * 50 + index) % nodes)
            return ("/config/node/\(name)", ["config": ["node": .object([name: ["comment": .string("c\(index)")]])]], 204)
        }
        await lunad.stop()

        print(
            "api: node show   \(format(show.requestsPerSecond)) req/s (p99 \(show.p99)), /version \(format(version.requestsPerSecond)) req/s, ratio \(ratio(show.requestsPerSecond, version.requestsPerSecond))"
        )
        print(
            "api: node list   \(format(list.requestsPerSecond)) req/s of \(nodes) nodes (p99 \(list.p99), \(listBytes.utf8.count) bytes), same bytes from a trivial server \(format(trivial.requestsPerSecond)) req/s, ratio \(ratio(list.requestsPerSecond, trivial.requestsPerSecond))"
        )
        print(
            "api: node change \(format(change.requestsPerSecond)) req/s (p99 \(change.p99)), write benchmark's client \(format(client)) req/s, ratio \(ratio(change.requestsPerSecond, client))"
        )
        print(
            "api: after a write (nothing cached): node show \(String(format: "%.2f", uncachedShow)) ms, node list \(String(format: "%.1f", uncachedList)) ms (mean of 20)"
        )
        for (name, run) in [("version", version), ("show", show), ("list", list), ("change", change)] {
            if let errors = run.errors { print("api: \(name): \(errors.trimmingCharacters(in: .whitespaces))") }
        }
        let met =
            show.requestsPerSecond >= 8000 && show.requestsPerSecond >= 0.5 * version.requestsPerSecond
            && list.requestsPerSecond >= 50 && change.requestsPerSecond >= 1000
        print("api: targets (show >= 8000/s and >= 50% of /version, list >= 50/s, change >= 1000/s): \(met ? "met" : "not met")")
    }

    /// Mean milliseconds of a GET right after a write, which empties the render cache: what
    /// rendering costs when nothing is cached.
    static func afterAWrite(_ lunad: BenchController, _ path: String) async throws -> Double {
        var total = Duration.zero
        for index in 0..<20 {
            let body: JSONValue = ["config": ["node": ["n0000": ["comment": .string("bench \(index)")]]]]
            _ = try await lunad.request(.POST, "/config/node/n0000", body)
            let started = ContinuousClock.now
            let reply = try await lunad.request(.GET, path)
            total += ContinuousClock.now - started
            guard reply.status == 200 else { throw BenchFailure(description: "GET \(path) answered \(reply.status)") }
        }
        return Double(total.components.seconds) * 1000 / 20 + Double(total.components.attoseconds) / 1e15 / 20
    }

    /// wrk's Lua: each request changes the comment of the next node, round the loaded ones.
    static func changeScript(nodes: Int) -> String {
        """
        local counter = 0
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        request = function()
            counter = counter + 1
            local name = string.format("n%04d", counter % \(nodes))
            local body = '{"config":{"node":{"' .. name .. '":{"comment":"wrk ' .. counter .. '"}}}}'
            return wrk.format(nil, "/config/node/" .. name, nil, body)
        end
        """
    }
}

/// A Hummingbird server with one route that answers fixed bytes: what serving the node
/// list costs without reading the views or rendering.
enum TrivialServer {
    static func serving<T: Sendable>(_ text: String, while body: @escaping @Sendable (String) throws -> T) async throws -> T {
        let router = Router()
        let bytes = ByteBuffer(string: text)
        router.get("/config/node") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: bytes))
        }
        let port = Int.random(in: 40001...50000)
        var quiet = Logger(label: "trivial")
        quiet.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: quiet)
        let services = ServiceGroup(configuration: .init(services: [app], logger: quiet))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await services.run()
                return nil
            }
            try await Task.sleep(for: .milliseconds(500))
            let result = try await Task.detached { try body("http://127.0.0.1:\(port)/config/node") }.value
            // A graceful stop: cancelling the server mid-connection logs errors that are not.
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }
}
