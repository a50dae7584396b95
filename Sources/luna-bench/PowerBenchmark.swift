import ArgumentParser
import Foundation

/// BMC control at scale (Deploy/power-bench, as root): a bulk power status over simulated
/// IPMI BMCs, some dead, against the same without the dead and against the
/// concurrency-bound ideal plus one timeout.
struct PowerBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "power", abstract: "Bulk BMC requests over many simulated BMCs, some of them dead.")

    @Option(help: "Simulated BMCs.")
    var bmcs = 1000

    @Option(help: "Percentage of them that never answer.")
    var dead = 5

    @Option(help: "BMCs driven at once ([CONTROL] CONCURRENCY; default lunad's, 64 per core).")
    var concurrency: Int?

    func run() async throws {
        guard getuid() == 0 else {
            print("power: the simulated BMCs listen on port 623: run luna-bench power as root")
            return
        }
        let chosen = concurrency.map { ["--concurrency", String($0)] } ?? []
        try DeployScript.run("power-bench", ["--bmcs", String(bmcs), "--dead", String(dead)] + chosen)
    }
}
