import HTTPTypes
import HummingbirdTesting
import LunaModel
import NIOCore
import Testing

/// luna2's status stream, `GET /config/status/<request_id>`, following a write.
struct RequestStatusTests {
    static let requestID = HTTPField.Name("x-request-id")!

    @Test func aWriteIsFollowedByItsRequestIDUntilItIsStable() async throws {
        try await APIHarness.make().run { client in
            var headers = HTTPFields()
            headers[HTTPField.Name("x-access-tokens")!] = client.token
            headers[Self.requestID] = "add-node-9"
            let body = envelope("node", "node009", ["group": "compute-group"]).canonicalText
            let echoed = try await client.client.execute(
                uri: "/config/node/node009", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) { ($0.status, $0.headers[Self.requestID]) }
            #expect(echoed.0 == .created)
            #expect(echoed.1 == "add-node-9")

            // One controller alone: its events are stable as soon as they are written.
            let stream = try await client.get("/config/status/add-node-9", token: "")
            #expect(stream.status == .ok)
            #expect(stream.body?["status"] == 200)
            let lines = stream.message.components(separatedBy: ";;")
            #expect(lines.count == 2, "\(stream.message)")
            #expect(lines.first?.contains(" :: Node.update node009: applied as event controller:") == true)
            #expect(lines.last?.hasSuffix("is stable: applied for good") == true)

            let drained = try await client.get("/config/status/add-node-9", token: "")
            #expect(drained.status == .notFound)
            #expect(drained.message == "No data for this request")
        }
    }

    @Test func aResponseCarriesARequestIDTheClientDidNotChoose() async throws {
        try await APIHarness.make().run { client in
            let id = try await client.client.execute(uri: "/version", method: .get) { $0.headers[Self.requestID] }
            #expect(id.map { !$0.isEmpty } == true)
        }
    }

    @Test func aBadRequestIDIsRefused() async throws {
        try await APIHarness.make().run { client in
            let path = try await client.get("/config/status/bad%20id", token: "")
            #expect(path.status == .badRequest)
            #expect(path.message.hasPrefix("Incorrect Naming convention with request_id"))

            var headers = HTTPFields()
            headers[HTTPField.Name("x-access-tokens")!] = client.token
            headers[Self.requestID] = String(repeating: "x", count: 257)
            let body = envelope("node", "node010", ["group": "compute-group"]).canonicalText
            let refused = try await client.client.execute(
                uri: "/config/node/node010", method: .post, headers: headers, body: ByteBuffer(string: body)
            ) { $0.status }
            #expect(refused == .badRequest)
            #expect(try await client.get("/config/node/node010").status == .notFound, "nothing written")
        }
    }
}
