import AsyncHTTPClient
import Foundation
import Logging
import LunaReplication
import NIOCore
import Synchronization

/// Carries outgoing peer messages over HTTPS with mutual TLS. A message that cannot be
/// delivered is dropped: the next pull brings what it carried.
public final class PeerSender: Sendable {
    let client: HTTPClient
    let peers: [String: String]
    /// Addresses of members that joined later, from the replicated controller rows.
    let learned = Mutex<[String: String]>([:])
    let logger: Logger
    /// Told when a peer refuses this controller as taken out of the cluster (410).
    let refusals = Mutex<(@Sendable (String, String) async -> Void)?>(nil)

    /// `peers` maps controller names to `host:port` of their replication listeners.
    public init(peers: [String: String], tls: PeerTLS, logger: Logger) {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls.client)
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(10))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.peers = peers
        self.logger = logger
    }

    /// Takes the addresses the replicated state gives; the configured ones stay first.
    public func learn(_ addresses: [String: String]) {
        learned.withLock { $0 = addresses }
    }

    /// Sends every message from `outgoing` until it ends: at most `lanes` at a time to
    /// each peer, the rest waiting (and merging) in that peer's queue. Reading the stream
    /// never waits on a slow or dead peer, so nothing piles up behind one.
    public func run(_ outgoing: AsyncStream<Outgoing>) async {
        let lanes = PeerLanes()
        await withDiscardingTaskGroup { group in
            for await item in outgoing {
                let offered = await lanes.offer(item)
                if offered.dropped {
                    logger.debug("the queue for peer \(item.to) is full: a message was let go, the next pull brings it")
                }
                guard let first = offered.send else { continue }
                group.addTask {
                    var next: Outgoing? = first
                    while let current = next {
                        await self.send(current)
                        next = await lanes.finished(current.to)
                    }
                }
            }
        }
        try? await client.shutdown()
    }

    func send(_ item: Outgoing) async {
        guard let address = peers[item.to] ?? learned.withLock({ $0[item.to] }) else { return }
        var request = HTTPClientRequest(url: "https://\(address)/replication/messages")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: PeerCodec.encode(item.message)))
        do {
            // A snapshot may be large; everything else is small and should be quick.
            let isSnapshot = if case .snapshot = item.message.body { true } else { false }
            let response = try await client.execute(request, timeout: .seconds(isSnapshot ? 120 : 3))
            let body = try await response.body.collect(upTo: 1 << 20)
            if response.status == .gone, let refused = refusals.withLock({ $0 }) {
                await refused(item.to, String(buffer: body))
            } else if response.status != .noContent {
                logger.warning("peer \(item.to) answered \(response.status.code) to a replication message")
            }
        } catch {
            logger.debug("peer \(item.to) unreachable: \(error)")
        }
    }
}

/// Per peer, the messages in flight and the queue behind them.
actor PeerLanes {
    static let perPeer = 4
    private var inFlight: [String: Int] = [:]
    private var queues: [String: PeerQueue] = [:]

    /// The message itself when a lane to its peer is free; otherwise it waits in the queue,
    /// and `dropped` says whether that let an older one go.
    func offer(_ item: Outgoing) -> (send: Outgoing?, dropped: Bool) {
        guard inFlight[item.to, default: 0] < Self.perPeer else {
            let before = queues[item.to]?.dropped ?? 0
            queues[item.to, default: PeerQueue()].add(item.message)
            return (nil, queues[item.to]!.dropped > before)
        }
        inFlight[item.to, default: 0] += 1
        return (item, false)
    }

    /// A send to `peer` ended: the next message for that lane, or nil when the queue is empty.
    func finished(_ peer: String) -> Outgoing? {
        if let message = queues[peer]?.next() { return Outgoing(to: peer, message: message) }
        inFlight[peer, default: 1] -= 1
        return nil
    }
}
