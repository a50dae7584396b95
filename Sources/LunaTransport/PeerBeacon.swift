import AsyncHTTPClient
import Hummingbird
import Logging
import LunaModel
import NIOCore

/// A round of the beacon's votes over the replication port: a candidate asks each peer for
/// its vote, whom it has promised (`probe`), or to give a promise back (`release`). Only a
/// controller's own certificate may ask in its name.
public enum PeerBeacon {
    public static let path = "/replication/beacon"
    public static let requests: Set<String> = ["ask", "probe", "release"]
    /// The vote: (candidate, request) → (granted, whom the voter has promised).
    public typealias Vote = @Sendable (String, String) async -> (granted: Bool, holder: String?)

    static func addRoute(to router: Router<PeerRequestContext>, vote: @escaping Vote, logger: Logger) {
        router.post(RouterPath(path)) { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 12)
            guard let json = try? JSONParser.parse(Array(body.readableBytesView)),
                let candidate = json["candidate"]?.stringValue, let kind = json["request"]?.stringValue,
                requests.contains(kind)
            else { return Response(status: .badRequest) }
            guard let presented = await context.peerName(), presented == candidate else {
                logger.warning("refused a beacon request for \(candidate): the certificate presented is not its own")
                return Response(status: .forbidden)
            }
            let answer = await vote(candidate, kind)
            let reply: JSONValue = ["granted": .bool(answer.granted), "holder": answer.holder.map(JSONValue.string) ?? .null]
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.canonicalBytes)))
        }
    }
}

extension PeerSender {
    /// `peer`'s answer to `candidate`'s request; nil when it does not answer within `timeout`.
    public func askBeacon(_ peer: String, candidate: String, request kind: String, timeout: TimeAmount) async -> (
        granted: Bool, holder: String?
    )? {
        guard let address = peers[peer] ?? learned.withLock({ $0[peer] }) else { return nil }
        var request = HTTPClientRequest(url: "https://\(address)\(PeerBeacon.path)")
        request.method = .POST
        let body: JSONValue = ["candidate": .string(candidate), "request": .string(kind)]
        request.body = .bytes(ByteBuffer(bytes: body.canonicalBytes))
        do {
            let response = try await client.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 1 << 12)
            guard response.status == .ok, let json = try? JSONParser.parse(Array(bytes.readableBytesView)),
                case .bool(let granted)? = json["granted"]
            else { return nil }
            return (granted, json["holder"]?.stringValue)
        } catch {
            return nil
        }
    }
}
