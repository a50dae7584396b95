import Foundation
import LunaDomain
import LunaModel
import LunaServices

/// The BitTorrent tracker every controller serves at `/announce` and `/scrape`, as luna2's
/// did. It tracks only the torrents of this cluster's images and tags (those this
/// controller holds verified): anything else is refused, so the open route cannot be used
/// to track other files or to fill memory.
public actor TorrentTracker {
    let controller: Controller
    let store: ImageFileStore
    var swarms = TorrentSwarms()
    /// Info hashes of torrent files read so far, by the torrent file's sha256.
    var infoHashes: [String: [UInt8]] = [:]
    let clock = ContinuousClock()

    public init(controller: Controller, store: ImageFileStore) {
        self.controller = controller
        self.store = store
    }

    /// Answers one announce from `address` (4 or 16 bytes, the client as the socket saw it).
    public func announce(query: String, address: [UInt8]?) async throws(LunaError) -> Bencode {
        let fields = try TrackerQuery(query)
        let infoHash = try fields.hash("info_hash")
        _ = try fields.hash("peer_id")
        let port = try fields.number("port", in: 1...65535)
        let left = try fields.number("left", in: 0...Int(Int64.max))
        let wanted = try fields.number("numwant", in: 0...10_000, absent: 50)
        let event = fields.first("event").map { String(decoding: $0, as: UTF8.self) }
        guard event == nil || ["started", "stopped", "completed", "", "paused"].contains(event!) else {
            throw LunaError(.invalid, "Invalid request: event must be started, stopped or completed")
        }
        try await requireRegistered(infoHash)
        guard let address else { throw LunaError(.invalid, "Invalid request: the client's address cannot be told") }
        let compact = fields.first("compact") != Array("0".utf8)
        return try swarms.announce(
            .init(
                infoHash: infoHash, address: address, port: UInt16(port), left: left, event: event,
                wanted: min(wanted, 200), compact: compact),
            now: clock.now)
    }

    /// Counts per torrent asked, or for every torrent of the cluster when none is named.
    public func scrape(query: String) async throws(LunaError) -> Bencode {
        let fields = try TrackerQuery(query)
        let asked = fields.all("info_hash")
        for hash in asked where hash.count != 20 {
            throw LunaError(.invalid, "Invalid request: info_hash must be 20 bytes, percent-encoded; one is \(hash.count)")
        }
        let registered = await registeredHashes()
        return swarms.scrape(asked.isEmpty ? registered.sorted { $0.lexicographicallyPrecedes($1) } : asked, now: clock.now)
    }

    private func requireRegistered(_ infoHash: [UInt8]) async throws(LunaError) {
        guard await registeredHashes().contains(infoHash) else {
            throw LunaError(
                .notFound,
                "info_hash \(infoHash.lowercaseHex) is not the torrent of an OS image of this cluster held on \(controller.name)")
        }
    }

    /// The info hashes of the torrents the views name and this controller holds verified;
    /// swarms of torrents no longer named are forgotten.
    private func registeredHashes() async -> Set<[UInt8]> {
        let torrents = await controller.read { state in
            ImageFileRef.wanted(in: state).values.filter { $0.name.hasSuffix("." + TorrentFile.suffix) }
        }
        var out: Set<[UInt8]> = []
        for ref in torrents {
            if let known = infoHashes[ref.sha256] {
                out.insert(known)
                continue
            }
            guard await store.isVerified(ref.name), let data = FileManager.default.contents(atPath: store.path(ref.name)),
                let hash = try? TorrentFile.infoHash(of: Array(data))
            else { continue }
            infoHashes[ref.sha256] = hash
            out.insert(hash)
        }
        infoHashes = infoHashes.filter { out.contains($0.value) }
        swarms.keep(only: out)
        return out
    }
}
