import Foundation
import NIOCore
import NIOPosix

/// A TCP forwarder on loopback for one directed link between two controllers. Cut, it
/// closes the connections it carries and refuses new ones, as a peer that refuses its
/// peers' connections would: a partition without touching the kernel's firewall.
final class LinkProxy: @unchecked Sendable {
    private let lock = NSLock()
    private var cut = false
    private var delay = TimeAmount.zero
    private var open: [ObjectIdentifier: Channel] = [:]
    private var server: Channel?

    /// Listens on `port`, forwarding each connection to `target` on 127.0.0.1.
    init(port: Int, target: Int) async throws {
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] inbound in
                guard !isCut else { return inbound.close() }
                return ClientBootstrap(group: inbound.eventLoop).connect(host: "127.0.0.1", port: target).flatMap { outbound in
                    self.track(inbound)
                    self.track(outbound)
                    let (toTarget, toClient) = Relay.pair(delay: { self.currentDelay })
                    return inbound.pipeline.addHandler(toTarget).and(outbound.pipeline.addHandler(toClient)).map { _ in
                        toTarget.peer = outbound
                        toClient.peer = inbound
                    }
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }

    private var isCut: Bool { lock.withLock { cut } }
    private var currentDelay: TimeAmount { lock.withLock { delay } }

    /// Holds every chunk this long before passing it on, both ways: a slow peer.
    func set(delay: TimeAmount) {
        lock.withLock { self.delay = delay }
    }

    private func track(_ channel: Channel) {
        lock.withLock { open[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { _ in
            self.lock.withLock { _ = self.open.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    /// Cuts the link (closing what it carries) or heals it.
    func set(cut: Bool) {
        let carried = lock.withLock {
            self.cut = cut
            return cut ? Array(open.values) : []
        }
        for channel in carried { channel.close(promise: nil) }
    }

    func close() async {
        set(cut: true)
        try? await server?.close()
    }
}

/// Copies bytes read on one channel to its peer, each chunk after the link's delay and in
/// the order read, and closes the peer when it closes.
private final class Relay: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    var peer: Channel?
    let delay: @Sendable () -> TimeAmount
    private var lastDeadline = NIODeadline.uptimeNanoseconds(0)

    init(delay: @escaping @Sendable () -> TimeAmount) { self.delay = delay }

    static func pair(delay: @escaping @Sendable () -> TimeAmount) -> (Relay, Relay) { (Relay(delay: delay), Relay(delay: delay)) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let wait = delay()
        guard wait > .zero || lastDeadline > .now() else {
            peer?.writeAndFlush(buffer, promise: nil)
            return
        }
        lastDeadline = max(.now() + wait, lastDeadline)
        let peer = self.peer
        context.eventLoop.scheduleTask(deadline: lastDeadline) { peer?.writeAndFlush(buffer, promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer?.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
