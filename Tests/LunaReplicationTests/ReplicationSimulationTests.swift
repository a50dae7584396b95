import Foundation
import Testing

/// Thousands of seeded schedules of the replication core. A failing seed prints the one
/// command that replays it alone.
struct ReplicationSimulationTests {
    static var seeds: [UInt64] {
        if let one = ProcessInfo.processInfo.environment["LUNA_SIM_SEED"].flatMap(UInt64.init) { return [one] }
        return Array(0..<2000)
    }

    /// What the schedules reached, and the failing seeds' sentences.
    struct Tally: Sendable {
        var failures: [String] = []
        var rollbacks = 0
        var restarts = 0
        var rejected = 0
        var compactions = 0
        var installed = 0
        var wipes = 0
    }

    /// Runs every seed on a thread of its own: minutes of pure computation must not hold one
    /// of the few threads every other test of the process shares.
    @Test func convergesUnderEveryScheduleOfFaults() async {
        let seeds = Self.seeds
        let tally = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: Self.run(seeds)) }.start()
        }
        for failure in tally.failures { Issue.record(Comment(rawValue: failure)) }
        // The schedules must reach the paths under test, not only pass.
        if seeds.count > 100 {
            #expect(tally.rollbacks > seeds.count, "few late events rolled the views back: \(tally.rollbacks)")
            #expect(tally.restarts > seeds.count / 2, "few crashes and restarts: \(tally.restarts)")
            #expect(tally.rejected > 0, "no concurrent conflicting write was rejected on replay")
            #expect(tally.compactions > seeds.count, "few compactions: \(tally.compactions)")
            #expect(tally.installed > 0, "no controller ever needed a peer's snapshot")
            #expect(tally.wipes > seeds.count / 10, "few wiped controllers: \(tally.wipes)")
        }
    }

    static func run(_ seeds: [UInt64]) -> Tally {
        var tally = Tally()
        for seed in seeds {
            var simulation = Simulation(seed: seed)
            simulation.run()
            let controllers = simulation.names.map { simulation.controllers[$0]! }
            tally.rollbacks += controllers.reduce(0) { $0 + $1.rollbacks }
            tally.restarts += controllers.reduce(0) { $0 + $1.restarts }
            tally.rejected += simulation.rejectedOnReplay
            tally.compactions += controllers.reduce(0) { $0 + $1.compactions }
            tally.installed += controllers.reduce(0) { $0 + $1.snapshotsInstalled }
            tally.wipes += controllers.reduce(0) { $0 + $1.wipes }
            let problems = simulation.check()
            guard !problems.isEmpty else { continue }
            tally.failures.append(
                """
                seed \(seed) (\(simulation.names.count) controllers, \(simulation.acknowledged.count) acknowledged writes): \
                \(problems.prefix(3).joined(separator: "; ")). \
                Replay it: LUNA_SIM_SEED=\(seed) swift test --filter ReplicationSimulationTests
                """)
            if tally.failures.count >= 5 { break }
        }
        return tally
    }
}
