import LunaLog
import LunaModel
import Testing

@Suite("Snapshot file")
struct SnapshotFileTests {
    @Test func aSnapshotSurvivesItsFileFormatAndDamageIsNamed() throws {
        let snapshot = Snapshot(
            heads: ["a": ChainHead(seq: 4, checksum: "a4")], last: EventPlace(time: HybridTime(millis: 4), origin: "a", seq: 4),
            tables: ["node": ["n1": ["group": "compute", "tpm": .null]], "cluster": ["cluster": ["name": "luna"]]])
        let bytes = SnapshotFile.encode(snapshot)
        #expect(try SnapshotFile.decode(bytes, path: "s") == snapshot)
        var damaged = bytes
        damaged[damaged.count - 3] ^= 0xFF
        #expect(throws: SnapshotDamage.self) { try SnapshotFile.decode(damaged, path: "s") }
        #expect(throws: SnapshotDamage.self) { try SnapshotFile.decode(Array(bytes.dropLast(5)), path: "s") }
    }

    /// Compaction rewrites the log without the folded events; appends go on into the new
    /// file, and the log then reads only on top of the snapshot.
    @Test func aRewrittenLogGoesOnFromTheSnapshotsHeads() async throws {
        let dir = try TempDir()
        let path = dir.path()
        try await LogFixture.write(path, count: 10)
        let opened = try EventLog.open(path: path, fsync: false)
        let folded = ["c1": ChainHead(seq: 5, checksum: opened.events[4].checksum)]
        try opened.log.rewrite(keeping: Array(opened.events[5...]), after: folded)
        try await opened.log.append(opened.log.seal(LogFixture.draft(11))).durable()
        opened.log.close()

        let reopened = try EventLog.open(path: path, fsync: false, folded: folded)
        #expect(reopened.events.map(\.seq) == Array(6...11))
        #expect(reopened.log.heads["c1"]?.seq == 11)
        reopened.log.close()
        #expect(throws: LogDamage.self, "without the snapshot the chain has no start") {
            _ = try EventLog.open(path: path, fsync: false)
        }
    }

    /// A crash after the snapshot was written but before the log was cut leaves the folded
    /// events in the log: they are skipped.
    @Test func foldedEventsStillInTheLogAreSkipped() async throws {
        let dir = try TempDir()
        try await LogFixture.write(dir.path(), count: 8)
        let whole = try EventLog.open(path: dir.path(), fsync: false)
        whole.log.close()
        let folded = ["c1": ChainHead(seq: 3, checksum: whole.events[2].checksum)]
        let opened = try EventLog.open(path: dir.path(), fsync: false, folded: folded)
        #expect(opened.events.map(\.seq) == Array(4...8))
        opened.log.close()
    }
}
