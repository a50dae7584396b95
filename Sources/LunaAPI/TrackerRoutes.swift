import Hummingbird
import LunaModel
import LunaRuntime
import LunaServices
import NIOCore

/// `/announce` and `/scrape`: the BitTorrent tracker for the image torrents, open as
/// luna2's was (BitTorrent clients send no token). Answers are bencoded; a refusal is the
/// status of its error with BitTorrent's `failure reason`, which clients print.
enum TrackerRoutes {
    static func add(to groups: RouteGroups, tracker: TorrentTracker?) {
        groups.open.get("/announce") { request, context in
            await bencoded { () throws(LunaError) in
                try await available(tracker).announce(
                    query: request.uri.query ?? "", address: peerAddress(context.remoteAddress))
            }
        }
        groups.open.get("/scrape") { request, _ in
            await bencoded { () throws(LunaError) in try await available(tracker).scrape(query: request.uri.query ?? "") }
        }
    }

    static func available(_ tracker: TorrentTracker?) throws(LunaError) -> TorrentTracker {
        guard let tracker else {
            throw LunaError(.unavailable, "Service unavailable: this controller keeps no image files, so it tracks no torrents")
        }
        return tracker
    }

    static func bencoded(_ body: () async throws(LunaError) -> Bencode) async -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain"
        do {
            let value = try await body()
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.encoded)))
        } catch {
            let status = Responses.error(error).status
            let value = Bencode.dict(["failure reason": .text(error.message)])
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.encoded)))
        }
    }

    /// The client's address as peers reach it: 4 bytes for IPv4 (also when it came over an
    /// IPv6 socket as `::ffff:a.b.c.d`), 16 for IPv6.
    static func peerAddress(_ address: SocketAddress?) -> [UInt8]? {
        switch address {
        case .v4(let v4)?:
            return withUnsafeBytes(of: v4.address.sin_addr.s_addr) { Array($0) }
        case .v6(let v6)?:
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            let mapped = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
            return mapped ? Array(bytes.suffix(4)) : bytes
        default:
            return nil
        }
    }
}
