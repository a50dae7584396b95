import LunaLog
import LunaModel

extension Controller {
    /// The snapshot and every event held after it, taken in one step on the actor, so
    /// the events go on exactly from the snapshot's heads. A compaction between the two
    /// reads leaves events the new snapshot folded: they are left out.
    public func backup() throws(LunaError) -> Backup {
        let snapshot: Snapshot
        do {
            snapshot = try SnapshotFile.read(path: directory.snapshot)
        } catch {
            throw LunaError(.unavailable, "Service unavailable: the snapshot cannot be read for a backup: \(error)")
        }
        let events = core.heldEvents.filter { $0.seq > snapshot.heads[$0.origin]?.seq ?? 0 }
        return Backup(controller: name, writtenAt: physicalMillis(), key: key.bytes, snapshot: snapshot, events: events)
    }
}
