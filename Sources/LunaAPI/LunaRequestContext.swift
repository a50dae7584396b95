import Hummingbird
import NIOCore

/// The context of every API request: Hummingbird's basics and the client's address, which
/// the BitTorrent tracker hands to other peers.
public struct LunaRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
