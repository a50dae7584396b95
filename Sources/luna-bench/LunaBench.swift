import ArgumentParser

/// Benchmarks, separate from the tests: each prints its figure and the ratio against a
/// baseline measured in the same invocation. Build with `-c release` for real figures.
@main
struct LunaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luna-bench",
        abstract:
            "Measure Luna's write rate, rebuild speed, memory, replication, REST API, boot routes, services, images, power and a soak.",
        subcommands: [
            WritesBenchmark.self, RebuildBenchmark.self, MemoryBenchmark.self, ReplicationBenchmark.self, APIBenchmark.self,
            BootBenchmark.self, ServicesBenchmark.self, ImagesBenchmark.self, PowerBenchmark.self, SoakBenchmark.self,
            AllBenchmarks.self,
        ],
        defaultSubcommand: AllBenchmarks.self)
}

struct AllBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "all", abstract: "Run every benchmark with its defaults.")

    func run() async throws {
        try await WritesBenchmark.parse([]).run()
        try await RebuildBenchmark.parse([]).run()
        try await MemoryBenchmark.parse([]).run()
        try await ReplicationBenchmark.parse([]).run()
        try await APIBenchmark.parse([]).run()
        try await BootBenchmark.parse([]).run()
        try await ServicesBenchmark.parse([]).run()
        try await ImagesBenchmark.parse([]).run()
        try await PowerBenchmark.parse([]).run()
        try await SoakBenchmark.parse([]).run()
    }
}
