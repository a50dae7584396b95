import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Logging
import LunaModel
import NIOCore

/// Image files between controllers, over the replication port: a peer lists the files it
/// holds verified and serves them, from a byte offset so a cut download resumes. Only
/// verified files are served, so a damaged copy never spreads.
public enum PeerFiles {
    public static let path = "/replication/files"

    /// What this controller holds: the path of a verified file by name, and every name.
    public struct Source: Sendable {
        public var verifiedPath: @Sendable (String) async -> String?
        public var held: @Sendable () async -> [String]

        public init(verifiedPath: @escaping @Sendable (String) async -> String?, held: @escaping @Sendable () async -> [String]) {
            self.verifiedPath = verifiedPath
            self.held = held
        }
    }

    static func addRoutes(to router: Router<PeerRequestContext>, source: Source) {
        router.get(RouterPath(path)) { _, _ -> Response in
            let names = await source.held().sorted().map(JSONValue.string)
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONValue.array(names).canonicalBytes)))
        }
        let files = FileIO()
        router.get(RouterPath(path + "/:name")) { request, context -> Response in
            guard let name = context.parameters.get("name"), let path = await source.verifiedPath(name),
                let size = Self.size(path)
            else { return Response(status: .notFound) }
            let offset = Self.offset(request.headers[.range]) ?? 0
            guard offset < size || (offset == 0 && size == 0) else {
                return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)"])
            }
            guard size > 0 else { return Response(status: .ok) }
            let body = try await files.loadFile(path: path, range: offset...(size - 1), context: context, chunkLength: 4 << 20)
            return Response(
                status: offset > 0 ? .partialContent : .ok,
                headers: offset > 0 ? [.contentRange: "bytes \(offset)-\(size - 1)/\(size)"] : [:], body: body)
        }
    }

    /// `bytes=N-`, the one form our own fetch sends.
    static func offset(_ header: String?) -> Int? {
        guard let header, header.hasPrefix("bytes="), header.hasSuffix("-") else { return nil }
        return Int(header.dropFirst(6).dropLast())
    }

    static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }
}

extension PeerSender {
    public enum FetchResult: Sendable, Equatable {
        /// The part file holds the whole of the peer's copy, with the sha256 of its bytes
        /// as written (hashed on the way, so a large file is not read again to verify it).
        case complete(sha256: String)
        /// The peer does not hold the file verified.
        case lacking
        case failed(String)
    }

    /// Continues `part` (appending from its current size) with `peer`'s copy of `name`.
    public func fetchFile(_ peer: String, name: String, into part: String) async -> FetchResult {
        guard let address = peers[peer] ?? learned.withLock({ $0[peer] }) else { return .failed("\(peer) has no known address") }
        if !FileManager.default.fileExists(atPath: part) { _ = FileManager.default.createFile(atPath: part, contents: nil) }
        guard let handle = FileHandle(forUpdatingAtPath: part) else { return .failed("\(part) cannot be opened") }
        defer { try? handle.close() }
        do {
            // What an earlier try fetched goes into the hash first.
            var hasher = SHA256()
            while let block = try handle.read(upToCount: 4 << 20), !block.isEmpty { hasher.update(data: block) }
            let offset = Int(try handle.seekToEnd())
            let encoded =
                name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._"))) ?? name
            var request = HTTPClientRequest(url: "https://\(address)\(PeerFiles.path)/\(encoded)")
            if offset > 0 { request.headers.add(name: "Range", value: "bytes=\(offset)-") }
            // A stall is caught by the client's read timeout; the deadline only bounds the whole.
            let response = try await client.execute(request, timeout: .hours(12))
            switch response.status {
            case .partialContent: break
            case .ok:
                try handle.truncate(atOffset: 0)
                hasher = SHA256()
            case .rangeNotSatisfiable:
                return .complete(sha256: hasher.finalize().lowercaseHex)
            case .notFound:
                return .lacking
            default:
                return .failed("\(peer) answered \(response.status.code)")
            }
            for try await buffer in response.body {
                buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                try handle.write(contentsOf: buffer.readableBytesView)
            }
            return .complete(sha256: hasher.finalize().lowercaseHex)
        } catch {
            return .failed("the copy from \(peer) broke off: \(error)")
        }
    }

    /// The files `peer` holds verified; nil when it does not answer.
    public func heldFiles(_ peer: String) async -> [String]? {
        guard let address = peers[peer] ?? learned.withLock({ $0[peer] }) else { return nil }
        do {
            let response = try await client.execute(
                HTTPClientRequest(url: "https://\(address)\(PeerFiles.path)"), timeout: .seconds(2))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            guard response.status == .ok, let json = try? JSONParser.parse(Array(bytes.readableBytesView)) else { return nil }
            return json.arrayValue?.compactMap(\.stringValue)
        } catch {
            return nil
        }
    }
}
