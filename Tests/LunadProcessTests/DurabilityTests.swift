import Foundation
import LunaModel
import Testing

/// Acknowledged means durable: writes from 16 clients, lunad killed with SIGKILL at a
/// random moment, restarted; every acknowledged write is there and the log verifies.
@Suite(.serialized)
struct DurabilityTests {
    @Test(arguments: [1, 2, 3])
    func acknowledgedWritesSurviveKill(round: Int) async throws {
        let directory = LunadProcess.temporaryDirectory("durability")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lunad = LunadProcess(dataDirectory: directory)
        #expect(try await lunad.start() == nil)

        let acknowledged = Acknowledged()
        let killAfter = Double.random(in: 0...1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<16 {
                group.addTask {
                    for index in 0..<10_000 {
                        let name = "r\(round)c\(client)n\(index)"
                        let body: JSONValue = .object([
                            "config": .object(["node": .object([name: .object(["group": "compute-group"])])])
                        ])
                        guard let reply = try? await lunad.post("/config/node/\(name)", body) else { return }
                        if reply.status == 201 { await acknowledged.add(name) }
                    }
                }
            }
            // Armed once writes are flowing (a loaded machine may start slowly), then at a random moment.
            for _ in 0..<300 where await acknowledged.names.count < 20 { try await Task.sleep(for: .milliseconds(100)) }
            try await Task.sleep(for: .seconds(killAfter))
            lunad.stop(signal: SIGKILL)
            try await group.waitForAll()
        }
        let names = await acknowledged.names
        #expect(!names.isEmpty)

        #expect(try await lunad.start() == nil)
        let listed = try await lunad.get("/config/node")
        let present = Set(listed.body?["config"]?["node"]?.objectValue?.keys.map { $0 } ?? [])
        let lost = names.subtracting(present)
        #expect(lost.isEmpty, "acknowledged but lost after SIGKILL: \(lost.sorted().prefix(5))")
        for name in names.sorted().prefix(20) {
            let node = try await lunad.get("/config/node/\(name)")
            #expect(node.status == 200)
            let interfaces = node.body?["config"]?["node"]?[name]?["interfaces"]?.arrayValue ?? []
            #expect(interfaces.count == 2, "\(name) is half-applied: \(interfaces)")
        }
        lunad.stop()
        let verify = try LunadProcess.luna(["log", "replay", "--data-dir", directory, "--verify"])
        #expect(verify.exit == 0, "\(verify.output)")
    }
}

actor Acknowledged {
    var names: Set<String> = []
    func add(_ name: String) { names.insert(name) }
}
