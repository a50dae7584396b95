import ArgumentParser
import Foundation
import LunaDomain
import LunaLog
import LunaModel
import LunaRuntime
import LunaStore

/// View rebuild speed: events per second replaying a log into an empty database,
/// against reading and verifying the same log without applying it.
struct RebuildBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rebuild", abstract: "Events per second rebuilding the views.")

    @Option(help: "Events in the log.")
    var events = 100_000

    func run() async throws {
        let directory = DataDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("luna-bench-\(UUID())").path)
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        try await generate(into: directory)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.log)))

        let scanStart = ContinuousClock.now
        let scanned = try LogScanner(path: directory.log).scan(bytes).events
        let scanTime = seconds(ContinuousClock.now - scanStart)

        let target = directory.path + "/rebuilt.sqlite"
        let rebuildStart = ContinuousClock.now
        let log = try LogScanner(path: directory.log).scan(bytes).events
        let result = try Replayer.rebuild(log, into: ViewStore(path: target))
        let rebuildTime = seconds(ContinuousClock.now - rebuildStart)
        guard result.applied == scanned.count else {
            throw BenchFailure(description: "rebuild applied \(result.applied) of \(scanned.count) events")
        }
        let rate = Double(scanned.count) / rebuildTime
        let scanRate = Double(scanned.count) / scanTime
        print(
            "rebuild: \(scanned.count) events (\(bytes.count / 1024) KiB of log) in \(String(format: "%.2f", rebuildTime)) s: \(format(rate)) events/s; reading and verifying the log alone: \(format(scanRate)) events/s, ratio \(ratio(rate, scanRate))"
        )
        print("rebuild: target >= 50000 events/s: \(rate >= 50_000 ? "met" : "not met")")
    }

    /// A log of node creates, changes, interface edits and deletes, written through a
    /// controller (fsync off: only the rebuild is timed).
    private func generate(into directory: DataDirectory) async throws {
        let controller = try Controller(directory: directory, name: "controller", fsync: false)
        try await Bootstrap(path: BenchController.root.appendingPathComponent("Config/bootstrap.ini").path).seed(controller)
        var written = await controller.appliedClock["controller"]
        var created = 0
        while written < UInt64(events) {
            let step = Int(written) % 10
            let node = "g\(step < 4 ? created : max(0, created - 1 - Int(written) % 100))"
            let (intent, body): (String, Row) =
                switch step {
                case 0..<4: ("Node.update", ["group": "compute-group"])
                case 4..<8: ("Node.update", ["comment": .string("comment \(written)"), "netboot": .bool(step % 2 == 0)])
                default: ("Node.interfaces", ["interfaces": [["interface": "eth1", "network": "ib"]]])
                }
            _ = try? await controller.submit(intent, object: node, body: body, actor: "bench", requestID: "bench")
            if step < 4 { created += 1 }
            written = await controller.appliedClock["controller"]
        }
        await controller.close()
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
