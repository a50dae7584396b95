import ArgumentParser
import Foundation
import LunaModel

/// Peak resident memory of lunad holding 10,000 nodes, against the same lunad holding
/// the bootstrap cluster.
struct MemoryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "memory", abstract: "Peak memory of lunad with many nodes.")

    @Option(help: "Nodes to create.")
    var nodes = 10_000

    func run() async throws {
        let lunad = try await BenchController(fsync: false)
        let baseline = try lunad.memory()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<16 {
                group.addTask {
                    for index in stride(from: client, to: nodes, by: 16) {
                        let name = "m\(index)"
                        let reply = try await lunad.request(
                            .POST, "/config/node/\(name)", ["config": ["node": .object([name: ["group": "compute-group"]])]])
                        guard reply.status == 201 else {
                            throw BenchFailure(description: "creating \(name) answered \(reply.status)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let listed = try await lunad.request(.GET, "/config/node", timeout: .seconds(120))
        let count = listed.body?["config"]?["node"]?.objectValue?.count ?? 0
        let loaded = try lunad.memory()
        await lunad.stop()
        print(
            "memory: lunad holding \(count) nodes (after listing them all): peak \(String(format: "%.1f", loaded.peak)) MiB resident, now \(String(format: "%.1f", loaded.current)) MiB; with the bootstrap cluster: \(String(format: "%.1f", baseline.peak)) MiB, ratio \(ratio(loaded.peak, baseline.peak))"
        )
        print("memory: target <= 150 MB at 10,000 nodes: \(loaded.peak * 1.048576 <= 150 ? "met" : "not met")")
    }
}
