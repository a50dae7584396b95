import Hummingbird
import HummingbirdTLS
import Logging
import LunaModel
import LunaReplication
import NIOCore

/// The replication listener: HTTPS with mutual TLS on its own port, one route that hands
/// each decoded message to the controller.
public enum PeerListener {
    public static let maxMessage = 512 << 20

    /// `receive` takes a message, or answers why its sender is refused (a controller taken
    /// out of the cluster); `join` admits a controller (name, address) and returns what it starts from;
    /// `beacon` is this controller's vote when a peer asks for the beacon; `files` serves
    /// the image files held here; `tasks` runs master-only work a peer forwards.
    public static func application(
        bind: String, port: Int, tls: PeerTLS, logger: Logger, receive: @escaping @Sendable (PeerMessage) async -> String?,
        join: @escaping @Sendable (String, String) async throws(LunaError) -> PeerJoin.Answer,
        beacon: PeerBeacon.Vote? = nil, files: PeerFiles.Source? = nil, tasks: PeerTasks.Run? = nil
    ) throws -> some ApplicationProtocol {
        let router = Router(context: PeerRequestContext.self)
        if let beacon { PeerBeacon.addRoute(to: router, vote: beacon, logger: logger) }
        if let files { PeerFiles.addRoutes(to: router, source: files) }
        if let tasks { PeerTasks.addRoute(to: router, run: tasks, logger: logger) }
        router.post(RouterPath(PeerJoin.path)) { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            guard let json = try? JSONParser.parse(Array(body.readableBytesView)), let name = json["name"]?.stringValue,
                let address = json["address"]?.stringValue
            else { return text(.badRequest, "Invalid request: a join names the controller and its address") }
            guard let presented = await context.peerName(), presented == name else {
                logger.warning("refused a join as \(name): the certificate presented is not \(name)'s")
                return text(.forbidden, "Forbidden: a controller joins with its own certificate, and this one is not \(name)'s")
            }
            do throws(LunaError) {
                let answer = try await join(name, address)
                logger.notice("admitted controller \(name), reached at \(address)")
                return Response(
                    status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: PeerJoin.encode(answer))))
            } catch {
                logger.warning("refused to admit controller \(name): \(error.message)")
                return text(error.kind == .unavailable ? .serviceUnavailable : .badRequest, error.message)
            }
        }
        router.post("/replication/messages") { request, context -> Response in
            let body = try await request.body.collect(upTo: maxMessage)
            do {
                let message = try PeerCodec.decode(Array(body.readableBytesView))
                guard let presented = await context.peerName(), presented == message.from else {
                    logger.warning("refused a replication message from \(message.from): the certificate presented is not its own")
                    return Response(status: .forbidden)
                }
                if let refusal = await receive(message) {
                    logger.warning("refused a replication message from \(message.from): \(refusal)")
                    return text(.gone, refusal)
                }
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

    private static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
    }
}
