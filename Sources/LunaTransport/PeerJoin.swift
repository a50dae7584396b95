import AsyncHTTPClient
import Foundation
import LunaModel
import NIOCore

/// Joining a cluster over the replication port (mutual TLS: only a holder of a certificate
/// from the cluster CA gets in). The joiner posts its name and the address its peers will
/// reach it at; the member answers with the cluster key and its snapshot, framed as peer
/// messages are.
public enum PeerJoin {
    public static let path = "/replication/join"

    public struct Answer: Sendable, Equatable {
        public var key: [UInt8]
        public var snapshot: Snapshot

        public init(key: [UInt8], snapshot: Snapshot) {
            self.key = key
            self.snapshot = snapshot
        }
    }

    static func encode(_ answer: Answer) -> [UInt8] {
        PeerCodec.framed(["key": .string(Data(answer.key).base64EncodedString()), "snapshot": answer.snapshot.jsonValue])
    }

    static func decode(_ bytes: [UInt8]) throws -> Answer {
        let json = try PeerCodec.unframed(bytes)
        guard let text = json["key"]?.stringValue, let key = Data(base64Encoded: text),
            let value = json["snapshot"], let snapshot = Snapshot(json: value)
        else { throw PeerCodec.Failure(description: "the answer to a join lacks the cluster key or the snapshot") }
        return Answer(key: Array(key), snapshot: snapshot)
    }

    /// Asks the member listening at `address` to admit `name`, reached at `advertise`.
    /// A refusal throws the member's own sentence.
    public static func ask(_ address: String, name: String, advertise: String, tls: PeerTLS) async throws -> Answer {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls.client)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(120))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: "https://\(address)\(path)")
            request.method = .POST
            let body = JSONValue.object(["name": .string(name), "address": .string(advertise)]).canonicalBytes
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .seconds(120))
            let bytes = Array((try await response.body.collect(upTo: PeerListener.maxMessage)).readableBytesView)
            try await client.shutdown()
            guard response.status == .ok else {
                throw PeerCodec.Failure(description: String(decoding: bytes, as: UTF8.self))
            }
            return try decode(bytes)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
