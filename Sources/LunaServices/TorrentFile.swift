import Crypto
import Foundation
import LunaModel

/// The `.torrent` of an image archive (BEP 3, one file). It holds no creation date and no
/// client name, so the same archive and tracker give the same bytes on any controller.
public enum TorrentFile {
    /// The suffix a torrent adds to its archive's name (luna2's installers fetch
    /// `<imagefile>.torrent`).
    public static let suffix = "torrent"

    /// Pieces of 256 KiB to 16 MiB, about 1,000 of them: few enough to keep the file
    /// small, enough for many nodes to trade pieces at once.
    public static func pieceLength(for size: Int) -> Int {
        var length = 256 << 10
        while length < 16 << 20, size / length > 1000 { length <<= 1 }
        return length
    }

    /// Reads the archive at `path` and writes its metainfo, naming it `name` and the
    /// tracker `announce`.
    public static func make(archive path: String, name: String, announce: String) throws(LunaError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LunaError(.unavailable, "\(path) cannot be opened to make its torrent")
        }
        defer { try? handle.close() }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil else {
            throw LunaError(.unavailable, "\(path) cannot be read to make its torrent")
        }
        let length = pieceLength(for: size)
        var pieces: [UInt8] = []
        pieces.reserveCapacity((size / length + 1) * Insecure.SHA1.byteCount)
        var read = 0
        // A read may return less than asked: a piece is hashed only once it is whole.
        var piece = Data()
        do {
            while let block = try handle.read(upToCount: length - piece.count), !block.isEmpty {
                piece.append(block)
                read += block.count
                if piece.count == length {
                    pieces += Insecure.SHA1.hash(data: piece)
                    piece.removeAll(keepingCapacity: true)
                }
            }
            if !piece.isEmpty { pieces += Insecure.SHA1.hash(data: piece) }
        } catch {
            throw LunaError(.unavailable, "\(path) cannot be read to make its torrent: \(error.localizedDescription)")
        }
        guard read == size else { throw LunaError(.unavailable, "\(path) changed while its torrent was made") }
        let info: Bencode = .dict([
            "length": .int(size), "name": .text(name), "piece length": .int(length), "pieces": .bytes(pieces),
        ])
        return Bencode.dict(["announce": .text(announce), "info": info]).encoded
    }

    /// The SHA-1 of the `info` dictionary as written: what peers and trackers name it by.
    public static func infoHash(of torrent: [UInt8]) throws(LunaError) -> [UInt8] {
        let span = try Bencode.span(ofKey: "info", in: torrent)
        return Array(Insecure.SHA1.hash(data: torrent[span]))
    }
}
