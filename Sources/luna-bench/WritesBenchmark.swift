import ArgumentParser
import Foundation
import LunaModel

/// Acknowledged node writes per second through the API, 16 concurrent clients: node
/// create, then node change; fsync on, against the same run with fsync off.
struct WritesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "writes", abstract: "Acknowledged node writes per second.")

    @Option(help: "Concurrent clients.")
    var clients = 16

    @Option(help: "Seconds per measurement.")
    var seconds = 5.0

    func run() async throws {
        var figures: [Bool: (create: Double, change: Double)] = [:]
        for fsync in [true, false] {
            let lunad = try await BenchController(fsync: fsync)
            let create = try await measure(lunad) { client, index in
                let name = "b\(client)n\(index)"
                return ("/config/node/\(name)", envelope(name, ["group": "compute-group"]), 201)
            }
            let change = try await measure(lunad) { client, index in
                let name = "b\(client)n\(index % 50)"
                return ("/config/node/\(name)", envelope(name, ["comment": .string("change \(index)")]), 204)
            }
            figures[fsync] = (create, change)
            await lunad.stop()
        }
        let on = figures[true]!
        let off = figures[false]!
        print(
            "writes: node create  \(format(on.create)) acknowledged/s with fsync, \(format(off.create))/s without, ratio \(ratio(on.create, off.create))"
        )
        print(
            "writes: node change  \(format(on.change)) acknowledged/s with fsync, \(format(off.change))/s without, ratio \(ratio(on.change, off.change))"
        )
        print("writes: target >= 2000/s with fsync: \(min(on.create, on.change) >= 2000 ? "met" : "not met")")
    }

    private func envelope(_ name: String, _ fields: JSONValue) -> JSONValue {
        ["config": ["node": .object([name: fields])]]
    }

    /// Runs `clients` loops for `seconds`; returns acknowledged writes per second.
    func measure(
        _ lunad: BenchController, _ request: @escaping @Sendable (Int, Int) -> (String, JSONValue, Int)
    ) async throws -> Double {
        let deadline = ContinuousClock.now + .seconds(seconds)
        let started = ContinuousClock.now
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var acknowledged = 0
                    var index = 0
                    while ContinuousClock.now < deadline {
                        let (path, body, expected) = request(client, index)
                        let reply = try await lunad.request(.POST, path, body)
                        guard reply.status == expected else {
                            throw BenchFailure(
                                description: "POST \(path) answered \(reply.status): \(reply.body?.canonicalText ?? "")")
                        }
                        acknowledged += 1
                        index += 1
                    }
                    return acknowledged
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - started
        return Double(counts) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

func format(_ value: Double) -> String { String(format: "%.0f", value) }
func ratio(_ value: Double, _ baseline: Double) -> String { String(format: "%.2f", value / baseline) }
