import Foundation
import LunaDomain
import LunaLog
import LunaModel
import LunaRuntime
import LunaStore
import Testing

/// Views are disposable: deleting the database and replaying the log gives the same
/// bytes in every table (the same Merkle roots), on a log of thousands of mixed events.
struct RebuildEquivalenceTests {
    @Test func deletingTheViewsAndReplayingGivesTheSameTables() async throws {
        let directory = DataDirectory(
            FileManager.default.temporaryDirectory.appendingPathComponent("luna-rebuild-\(UUID())").path)
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        var controller: Controller? = try Controller(directory: directory, name: "c1", fsync: false)
        var workload = MixedWorkload(seed: 42)
        try await workload.run(on: controller!, operations: 3000)
        let before = try await controller!.merkleRoots()
        let clock = await controller!.appliedClock
        #expect(clock["c1"] > 2000)
        await controller!.close()
        controller = nil

        try directory.removeViews()
        let rebuilt = try Controller(directory: directory, name: "c1", fsync: false)
        let after = try await rebuilt.merkleRoots()
        for table in LunaDomain.Table.allCases {
            #expect(before[table] == after[table], "table \(table.rawValue) differs after a rebuild")
        }
        #expect(await rebuilt.appliedClock == clock)
        await rebuilt.close()

        let replayed = try ViewStore(path: directory.path + "/second.sqlite")
        let log = try EventLogReader.events(directory)
        _ = try Replayer.rebuild(log, into: replayed)
        #expect(try replayed.merkleRoots().roots == before)
    }
}

enum EventLogReader {
    static func events(_ directory: DataDirectory) throws -> [Event] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.log)))
        return try LogScanner(path: directory.log).scan(bytes).events
    }
}
