import Foundation
import Testing

/// Thousands of seeded schedules of the replication core. A failing seed prints the one
/// command that replays it alone.
struct ReplicationSimulationTests {
    static var seeds: [UInt64] {
        if let one = ProcessInfo.processInfo.environment["LUNA_SIM_SEED"].flatMap(UInt64.init) { return [one] }
        return Array(0..<2000)
    }

    @Test func convergesUnderEveryScheduleOfFaults() {
        var failures = 0
        var rollbacks = 0
        var restarts = 0
        var rejected = 0
        var compactions = 0
        var installed = 0
        var wipes = 0
        for seed in Self.seeds {
            var simulation = Simulation(seed: seed)
            simulation.run()
            rollbacks += simulation.names.reduce(0) { $0 + simulation.controllers[$1]!.rollbacks }
            restarts += simulation.names.reduce(0) { $0 + simulation.controllers[$1]!.restarts }
            rejected += simulation.rejectedOnReplay
            compactions += simulation.names.reduce(0) { $0 + simulation.controllers[$1]!.compactions }
            installed += simulation.names.reduce(0) { $0 + simulation.controllers[$1]!.snapshotsInstalled }
            wipes += simulation.names.reduce(0) { $0 + simulation.controllers[$1]!.wipes }
            let problems = simulation.check()
            guard !problems.isEmpty else { continue }
            failures += 1
            Issue.record(
                """
                seed \(seed) (\(simulation.names.count) controllers, \(simulation.acknowledged.count) acknowledged writes): \
                \(problems.prefix(3).joined(separator: "; ")). \
                Replay it: LUNA_SIM_SEED=\(seed) swift test --filter ReplicationSimulationTests
                """)
            if failures >= 5 { break }
        }
        // The schedules must reach the paths under test, not only pass.
        if Self.seeds.count > 100 {
            #expect(rollbacks > Self.seeds.count, "few late events rolled the views back: \(rollbacks)")
            #expect(restarts > Self.seeds.count / 2, "few crashes and restarts: \(restarts)")
            #expect(rejected > 0, "no concurrent conflicting write was rejected on replay")
            #expect(compactions > Self.seeds.count, "few compactions: \(compactions)")
            #expect(installed > 0, "no controller ever needed a peer's snapshot")
            #expect(wipes > Self.seeds.count / 10, "few wiped controllers: \(wipes)")
        }
    }
}
