import ArgumentParser

/// A trio under a steady mixed load for a bounded time, a member killed and started again
/// every minute (Deploy/soak-bench): acknowledged writes lost, p99 write latency, resident
/// memory and log size per minute, the last minute against the first, plotted to a PNG.
struct SoakBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "A trio under mixed load for minutes, a member killed every minute.")

    @Option(help: "How long the load runs.")
    var minutes = 10

    @Option(help: "Where the plot goes (default .build/soak/soak.png).")
    var png: String?

    func run() async throws {
        try DeployScript.run("soak-bench", ["--minutes", String(minutes)] + (png.map { ["--png", $0] } ?? []))
    }
}
