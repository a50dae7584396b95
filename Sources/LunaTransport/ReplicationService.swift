import LunaReplication
import ServiceLifecycle

extension PeerSender {
    /// The sender and the ticker of one controller as a service: sends what the
    /// controller produces, and ticks it every 100 ms so it pulls on time.
    public func service(for source: some ReplicationSource) -> some Service {
        ReplicationService(sender: self, source: source)
    }
}

/// What the transport needs of a controller, so this module does not depend on the runtime.
public protocol ReplicationSource: Sendable {
    var outgoing: AsyncStream<Outgoing> { get }
    func tick() async
    /// Where to reach members that joined after the configuration was written.
    var peerAddresses: [String: String] { get async }
    /// A peer refused this controller as taken out of the cluster, with its sentence.
    func noteRefused(by peer: String, reason: String) async
}

struct ReplicationService<Source: ReplicationSource>: Service {
    let sender: PeerSender
    let source: Source

    func run() async throws {
        let source = self.source
        sender.refusals.withLock { $0 = { await source.noteRefused(by: $0, reason: $1) } }
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await sender.run(source.outgoing) }
                group.addTask {
                    while !Task.isCancelled {
                        await source.tick()
                        sender.learn(await source.peerAddresses)
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}
