import LunaLog
import LunaModel
import Testing

@Suite("Backup file")
struct BackupFileTests {
    @Test func aBackupSurvivesItsFileFormatAndDamageIsNamed() throws {
        let snapshot = Snapshot(
            heads: ["c1": ChainHead(seq: 4, checksum: "c14")],
            last: EventPlace(time: HybridTime(millis: 4), origin: "c1", seq: 4),
            tables: ["node": ["n1": ["group": "compute"]]])
        let events = [LogFixture.sealed(5, seq: 5, previousHash: "c14")]
        let backup = Backup(
            controller: "c1", writtenAt: 1234, key: Array(repeating: 7, count: 32), snapshot: snapshot, events: events)
        let bytes = backup.encoded()
        #expect(try Backup(decoding: bytes) == backup)
        var damaged = bytes
        damaged[damaged.count - 3] ^= 0xFF
        #expect(throws: BackupDamage.self) { try Backup(decoding: damaged) }
        #expect(throws: BackupDamage.self) { try Backup(decoding: Array(bytes.dropLast(1))) }
        #expect(throws: BackupDamage.self, "a snapshot file is not a backup") {
            try Backup(decoding: SnapshotFile.encode(snapshot))
        }
    }
}
