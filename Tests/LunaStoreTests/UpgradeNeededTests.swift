import Foundation
import LunaDomain
import LunaLog
import LunaModel
import LunaRuntime
import Testing

/// A log holding an event this build does not know: the controller keeps it, applies
/// nothing from it on, takes no writes and says "upgrade needed" — it does not crash.
struct UpgradeNeededTests {
    @Test func anUnknownIntentVersionStopsApplyingAndWrites() async throws {
        let directory = DataDirectory(
            FileManager.default.temporaryDirectory.appendingPathComponent("luna-upgrade-\(UUID())").path)
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let first = try Controller(directory: directory, name: "c1", fsync: false)
        _ = try await first.submit(
            "Network.update", object: "cluster", body: ["network": "10.141.0.0/24"], actor: "t", requestID: "r")
        await first.close()

        let opened = try EventLog.open(path: directory.log, fsync: false)
        let future = opened.log.seal(
            Event(
                origin: "c2", seq: 0, clock: VectorClock(["c1": 1]), time: HybridTime(millis: Int64.max / 2),
                intent: "Network.update", intentVersion: 99, object: "cluster", payload: ["comment": "from the future"],
                actor: "t", requestID: "r", previousHash: ""))
        try await opened.log.append(future).durable()
        opened.log.close()

        let controller = try Controller(directory: directory, name: "c1", fsync: false)
        #expect(await controller.appliedClock == VectorClock(["c1": 1]))
        #expect(await controller.read { $0.row(.network, "cluster")?["comment"] } == nil)
        let refused = await #expect(throws: LunaError.self) {
            _ = try await controller.submit(
                "Network.update", object: "ipmi", body: ["network": "10.148.0.0/24"], actor: "t", requestID: "r")
        }
        #expect(refused?.kind == .unavailable)
        #expect(refused?.message.contains("Network.update version 99") == true)
        #expect(refused?.message.contains("upgrade needed") == true)
        await controller.close()
    }
}
