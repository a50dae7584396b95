import Foundation
import LunaModel
import LunaServices
import Testing

/// The pieces of torrent provisioning that need no network: bencoding, the `.torrent` of
/// an archive, the tracker's query reading and its memory of swarms.
struct TorrentTests {
    @Test func bencodeWritesSortedKeysAndReadsBackWhatItWrote() throws {
        let value: Bencode = .dict(["zeta": .int(-3), "alpha": .list([.text("x"), .bytes([0, 255])]), "mid": .dict([:])])
        let bytes = value.encoded
        #expect(String(decoding: bytes.prefix(14), as: UTF8.self) == "d5:alphal1:x2:")
        #expect(try Bencode.decode(bytes) == value)
        #expect(try Bencode.span(ofKey: "mid", in: bytes).count == 2)
        for bad in ["i12", "5:ab", "d3:keyi1e", "l", "i1ee", "x", "i-e", String(repeating: "l", count: 100)] {
            #expect(throws: LunaError.self, "\(bad)") { try Bencode.decode(Array(bad.utf8)) }
        }
    }

    @Test func aTorrentDependsOnlyOnTheArchiveItsNameAndTheTracker() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("torrent-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = Data((0..<(600 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: URL(fileURLWithPath: folder + "/a.tar.zst"))
        let first = try TorrentFile.make(archive: folder + "/a.tar.zst", name: "a.tar.zst", announce: "http://h:7050/announce")
        let second = try TorrentFile.make(archive: folder + "/a.tar.zst", name: "a.tar.zst", announce: "http://h:7050/announce")
        #expect(first == second)
        let decoded = try Bencode.decode(first)
        #expect(decoded["announce"] == .text("http://h:7050/announce"))
        #expect(decoded["info"]?["length"] == .int(600 << 10))
        #expect(decoded["info"]?["piece length"] == .int(256 << 10))
        // Three pieces, the last one short, each its SHA-1.
        guard case .bytes(let pieces)? = decoded["info"]?["pieces"] else { throw TorrentFailure.noPieces }
        #expect(pieces.count == 60)
        // Another tracker is another torrent, with the same info hash.
        let moved = try TorrentFile.make(archive: folder + "/a.tar.zst", name: "a.tar.zst", announce: "http://b:7050/announce")
        #expect(moved != first)
        #expect(try TorrentFile.infoHash(of: moved) == TorrentFile.infoHash(of: first))
        #expect(TorrentFile.pieceLength(for: 1 << 30) == 2 << 20)
        #expect(TorrentFile.pieceLength(for: 1 << 40) == 16 << 20)
        #expect(throws: LunaError.self) {
            try TorrentFile.make(archive: folder + "/missing", name: "missing", announce: "http://h/announce")
        }
    }

    enum TorrentFailure: Error { case noPieces }

    @Test func theQueryIsReadAsBytes() throws {
        let query = try TrackerQuery("info_hash=%00%FFab%2b&port=6881&event=started&flag")
        #expect(query.first("info_hash") == [0, 255, 97, 98, 43])
        #expect(try query.number("port", in: 1...65535) == 6881)
        #expect(query.first("flag") == [])
        #expect(try query.number("numwant", in: 0...10, absent: 5) == 5)
        #expect(throws: LunaError.self) { try query.number("port", in: 1...100) }
        #expect(throws: LunaError.self) { try query.hash("info_hash") }
        #expect(throws: LunaError.self) { try TrackerQuery("info_hash=%4") }
        #expect(throws: LunaError.self) { try TrackerQuery("info_hash=%zz") }
    }

    static func announce(
        _ swarms: inout TorrentSwarms, _ last: UInt8, port: UInt16 = 6881, left: Int, event: String? = nil,
        at now: ContinuousClock.Instant
    ) throws -> Bencode {
        try swarms.announce(
            .init(
                infoHash: Array(repeating: 7, count: 20), address: [10, 0, 0, last], port: port, left: left, event: event,
                wanted: 50, compact: true),
            now: now)
    }

    @Test func theTrackerListsTheOtherPeersSeedersFirstAndForgetsSilentOnes() throws {
        var swarms = TorrentSwarms()
        let start = ContinuousClock.now
        _ = try Self.announce(&swarms, 1, left: 0, at: start)
        _ = try Self.announce(&swarms, 2, left: 500, event: "started", at: start)
        let answer = try Self.announce(&swarms, 3, left: 500, event: "started", at: start)
        // Six bytes a peer: the seeder 10.0.0.1 first, then 10.0.0.2; never the asker.
        #expect(answer["peers"] == .bytes([10, 0, 0, 1, 0x1A, 0xE1, 10, 0, 0, 2, 0x1A, 0xE1]))
        #expect(answer["complete"] == .int(1) && answer["incomplete"] == .int(2))
        #expect(answer["interval"] == .int(TorrentSwarms.interval))

        // Node 2 finishes and stops at once; node 3 goes silent.
        _ = try Self.announce(&swarms, 2, left: 0, event: "stopped", at: start + .seconds(30))
        let hash = [UInt8](repeating: 7, count: 20)
        let later = start + .seconds(3 * TorrentSwarms.interval + 1)
        _ = try Self.announce(&swarms, 1, left: 0, at: later)
        let counts = swarms.scrape([hash], now: later)
        #expect(
            counts["files"]
                == .dict([.init(bytes: hash): .dict(["complete": .int(1), "downloaded": .int(1), "incomplete": .int(0)])]))
        let alone = try Self.announce(&swarms, 4, left: 9, at: later)
        #expect(alone["peers"] == .bytes([10, 0, 0, 1, 0x1A, 0xE1]))
    }

    @Test func aFullSwarmRefusesNewPeersButNotKnownOnes() throws {
        var swarms = TorrentSwarms(maximumPeers: 600)
        let now = ContinuousClock.now
        for index in 0..<600 {
            _ = try Self.announce(&swarms, UInt8(index % 250), port: UInt16(1000 + index / 250), left: 1, at: now)
        }
        #expect(throws: LunaError.self) { try Self.announce(&swarms, 251, left: 1, at: now) }
        _ = try Self.announce(&swarms, 0, port: 1000, left: 0, at: now)
        swarms.keep(only: [])
        _ = try Self.announce(&swarms, 251, left: 1, at: now)
    }
}
