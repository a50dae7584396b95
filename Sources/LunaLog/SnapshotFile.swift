import Foundation
import LunaModel

/// The snapshot on disk: one frame as the log writes them (magic "LUNS"), holding the
/// snapshot as canonical JSON. Replaced whole by a write to a temporary file, an fsync and
/// a rename, so a crash leaves either the old snapshot or the new one.
public enum SnapshotFile {
    static let magic: [UInt8] = Array("LUNS".utf8)

    public static func encode(_ snapshot: Snapshot) -> [UInt8] {
        LogFrame.encode(records: [snapshot.jsonValue.canonicalBytes], magic: magic)
    }

    public static func decode(_ bytes: [UInt8], path: String) throws(SnapshotDamage) -> Snapshot {
        switch LogFrame.decodeWhole(bytes, magic: magic) {
        case .failure(let damage):
            throw SnapshotDamage(path: path, reason: damage.reason)
        case .success(let records):
            guard records.count == 1, let json = try? JSONParser.parse(records[0]), let snapshot = Snapshot(json: json)
            else { throw SnapshotDamage(path: path, reason: "its contents are not a snapshot") }
            return snapshot
        }
    }

    /// The snapshot at `path`; an empty one when there is none (nothing was compacted).
    public static func read(path: String) throws -> Snapshot {
        guard FileManager.default.fileExists(atPath: path) else { return Snapshot() }
        return try decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
    }

    public static func write(_ snapshot: Snapshot, path: String) throws {
        try DurableFile.replace(path, with: encode(snapshot))
    }
}

/// A damaged snapshot stops start-up: the state it holds is in no log any more.
public struct SnapshotDamage: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String {
        "snapshot \(path) is damaged: \(reason). Move the data directory aside and start the controller empty: "
            + "it rejoins from its peers"
    }
}
