import AsyncHTTPClient
import Foundation
import Logging
import LunaReplication
import NIOCore

/// Carries outgoing peer messages over HTTPS with mutual TLS. A message that cannot be
/// delivered is dropped: the next pull brings what it carried.
public final class PeerSender: Sendable {
    let client: HTTPClient
    let peers: [String: String]
    let logger: Logger

    /// `peers` maps controller names to `host:port` of their replication listeners.
    public init(peers: [String: String], tls: PeerTLS, logger: Logger) {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls.client)
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(10))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.peers = peers
        self.logger = logger
    }

    /// Sends every message from `outgoing` until it ends, a few at a time.
    public func run(_ outgoing: AsyncStream<Outgoing>) async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await item in outgoing {
                if running >= 16 {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask { await self.send(item) }
            }
        }
        try? await client.shutdown()
    }

    func send(_ item: Outgoing) async {
        guard let address = peers[item.to] else { return }
        var request = HTTPClientRequest(url: "https://\(address)/replication/messages")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: PeerCodec.encode(item.message)))
        do {
            let response = try await client.execute(request, timeout: .seconds(3))
            _ = try await response.body.collect(upTo: 1 << 20)
            if response.status != .noContent {
                logger.warning("peer \(item.to) answered \(response.status.code) to a replication message")
            }
        } catch {
            logger.debug("peer \(item.to) unreachable: \(error)")
        }
    }
}
