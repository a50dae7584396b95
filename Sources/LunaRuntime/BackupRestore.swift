import Foundation
import LunaLog
import LunaModel

/// `luna restore`: a data directory made from a backup, which a controller starts from as
/// a new incarnation (none is restored). Alone, it goes on from the backup; in a cluster,
/// its peers hand it what happened since before it takes writes.
public enum BackupRestore {
    /// Writes the backup into `directory`, which must be missing or empty. Returns what
    /// was restored, in one sentence.
    public static func restore(_ backup: Backup, into directory: DataDirectory) throws -> String {
        let files = FileManager.default
        if let entries = try? files.contentsOfDirectory(atPath: directory.path), !entries.isEmpty {
            throw RestoreFailure(
                "\(directory.path) is not empty: restore into an empty or new directory, and move the old one aside first")
        }
        var heads = backup.snapshot.heads
        for event in backup.events {
            let head = heads[event.origin] ?? .empty
            guard event.seq == head.seq + 1, event.previousHash == head.checksum else {
                throw RestoreFailure(
                    "event \(event.id) of the backup does not go on from the one before it: the backup is damaged")
            }
            heads[event.origin] = ChainHead(seq: event.seq, checksum: event.checksum)
        }
        try files.createDirectory(atPath: directory.path + "/log", withIntermediateDirectories: true)
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        try ClusterKey.install(backup.key, path: directory.clusterKey)
        if !backup.snapshot.isEmpty { try SnapshotFile.write(backup.snapshot, path: directory.snapshot) }
        let log = try EventLog.open(path: directory.log, folded: backup.snapshot.heads).log
        defer { log.close() }
        try log.rewrite(keeping: backup.events, after: backup.snapshot.heads)
        let rows = backup.snapshot.tables.values.reduce(0) { $0 + $1.count }
        let clock = heads.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.seq)" }.joined(separator: " ")
        return "restored \(backup.controller)'s backup into \(directory.path): \(rows) rows in the snapshot and "
            + "\(backup.events.count) events after it, clock {\(clock)}"
    }
}

public struct RestoreFailure: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
