import Hummingbird
import HummingbirdTLS
import Logging
import LunaReplication

/// The replication listener: HTTPS with mutual TLS on its own port, one route that hands
/// each decoded message to the controller.
public enum PeerListener {
    public static let maxMessage = 512 << 20

    public static func application(
        bind: String, port: Int, tls: PeerTLS, logger: Logger, receive: @escaping @Sendable (PeerMessage) async -> Void
    ) throws -> some ApplicationProtocol {
        let router = Router()
        router.post("/replication/messages") { request, _ -> Response in
            let body = try await request.body.collect(upTo: maxMessage)
            do {
                let message = try PeerCodec.decode(Array(body.readableBytesView))
                await receive(message)
                return Response(status: .noContent)
            } catch {
                logger.warning("refused a replication message: \(error)")
                return Response(status: .badRequest)
            }
        }
        return Application(
            router: router, server: try .tls(tlsConfiguration: tls.server),
            configuration: .init(address: .hostname(bind, port: port), serverName: "lunad-replication"), logger: logger)
    }
}
