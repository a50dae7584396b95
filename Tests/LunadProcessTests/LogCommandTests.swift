import Foundation
import GRDB
import LunaModel
import Testing

/// `luna log inspect` and `luna log replay` on a data directory a real lunad wrote.
@Suite(.serialized)
struct LogCommandTests {
    @Test func inspectFiltersMasksSecretsAndReplayCuts() async throws {
        let directory = LunadProcess.temporaryDirectory("logcmd")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lunad = LunadProcess(dataDirectory: directory)
        #expect(try await lunad.start() == nil)
        let secret: JSONValue = [
            "config": ["secrets": ["node": ["node001": [["name": "k", "content": "clearsecret", "path": "/etc/k"]]]]]
        ]
        #expect(try await lunad.post("/config/secrets/node/node001", secret).status == 201)
        #expect(
            try await lunad.post("/config/node/node002", ["config": ["node": ["node002": ["comment": "rack 4"]]]]).status == 204)
        lunad.stop()

        let newest = try LunadProcess.luna(["log", "inspect", "--data-dir", directory, "--limit", "1"])
        #expect(newest.exit == 0)
        #expect(newest.output.hasPrefix("controller:14 "))
        #expect(newest.output.contains("admin  Node.update  node002  comment=rack 4"))

        let secrets = try LunadProcess.luna(["log", "inspect", "--data-dir", directory, "--intent", "Secret", "--json"])
        #expect(!secrets.output.contains("clearsecret"))
        let line = try JSONParser.parse(secrets.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(line["payload"]?["secrets"]?[0]?["content"] == "<encrypted>")
        #expect(line["id"] == "controller:13")

        let bootstrap = try LunadProcess.luna([
            "log", "inspect", "--data-dir", directory, "--actor", "bootstrap", "--oldest-first",
        ])
        #expect(bootstrap.output.split(separator: "\n").count == 12)
        #expect(bootstrap.output.hasPrefix("controller:1 "))

        let replay = try LunadProcess.luna([
            "log", "replay", "--data-dir", directory, "--until", "controller:12", "--output", directory + "/at12.sqlite",
        ])
        #expect(replay.exit == 0)
        #expect(replay.output.contains("replayed 12 events"))
        let unknown = try LunadProcess.luna(["log", "replay", "--data-dir", directory, "--until", "controller:99"])
        #expect(unknown.exit == 1)
        #expect(unknown.output.contains("event controller:99 is not in the log"))
        let badTime = try LunadProcess.luna(["log", "inspect", "--data-dir", directory, "--since", "yesterday"])
        #expect(badTime.exit == 1)
        #expect(badTime.output.contains("--since yesterday is not a time"))

    }

    /// With COMPACT_AGE = 0s the log keeps only what is not yet stable: inspect shows what
    /// is left, replay and a restart start from the snapshot, and no replay stops before it.
    @Test func aCompactedLogIsReadOnTopOfItsSnapshot() async throws {
        let directory = LunadProcess.temporaryDirectory("compacted")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try LunadProcess.writeConfig(directory + "-luna.ini", replacing: ["COMPACT_AGE = 1h": "COMPACT_AGE = 0s"])
        defer { try? FileManager.default.removeItem(atPath: config) }
        var lunad = LunadProcess(dataDirectory: directory)
        lunad.config = config
        #expect(try await lunad.start() == nil)
        for index in 0..<5 {
            let body: JSONValue = ["config": ["node": .object(["c\(index)": ["group": "compute-group"]])]]
            #expect(try await lunad.post("/config/node/c\(index)", body).status == 201)
        }
        let snapshot = directory + "/log/snapshot.lunasnap"
        var left = Int.max
        for _ in 0..<100 where left > 0 {
            try await Task.sleep(for: .milliseconds(200))
            let inspect = try LunadProcess.luna(["log", "inspect", "--data-dir", directory])
            left = inspect.output.split(separator: "\n").count
        }
        #expect(FileManager.default.fileExists(atPath: snapshot))
        #expect(left == 0, "every stable event folded: the log is empty")
        lunad.stop()

        let verify = try LunadProcess.luna(["log", "replay", "--data-dir", directory, "--verify"])
        #expect(verify.exit == 0, "\(verify.output)")
        #expect(verify.output.contains("on its snapshot"))
        let early = try LunadProcess.luna(["log", "replay", "--data-dir", directory, "--until", "controller:3"])
        #expect(early.exit == 1)
        #expect(early.output.contains("compaction keeps no history before it"))
        try FileManager.default.removeItem(atPath: directory + "/views.sqlite")
        #expect(try await lunad.start() == nil)
        #expect(try await lunad.get("/config/node/c4").status == 200, "rebuilt from the snapshot")
        lunad.stop()
    }

    /// `--follow` goes on through compactions, which replace the log file: every event
    /// shows once, into a file as it comes. Each stays 3 s in the log, far longer than
    /// the half second between two reads.
    @Test func followShowsEveryEventThroughCompactions() async throws {
        let directory = LunadProcess.temporaryDirectory("follow")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try LunadProcess.writeConfig(directory + "-luna.ini", replacing: ["COMPACT_AGE = 1h": "COMPACT_AGE = 3s"])
        defer { try? FileManager.default.removeItem(atPath: config) }
        var lunad = LunadProcess(dataDirectory: directory)
        lunad.config = config
        #expect(try await lunad.start() == nil)
        let output = directory + "-follow.out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let follow = Process()
        follow.executableURL = LunadProcess.binaries.appendingPathComponent("luna")
        follow.arguments = ["log", "inspect", "--data-dir", directory, "--follow"]
        follow.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        try follow.run()
        defer { follow.terminate() }
        for index in 0..<6 {
            let body: JSONValue = ["config": ["node": .object(["follow\(index)": ["group": "compute-group"]])]]
            #expect(try await lunad.post("/config/node/follow\(index)", body).status == 201)
            try await Task.sleep(for: .milliseconds(1500))
        }
        var shown: [Substring] = []
        for _ in 0..<50 where shown.count < 6 {
            try await Task.sleep(for: .milliseconds(200))
            let text = try String(contentsOfFile: output, encoding: .utf8)
            shown = text.split(separator: "\n").filter { $0.contains("Node.update  follow") }
        }
        #expect(shown.count == 6, "shown: \(shown)")
        #expect(Set(shown.map { $0.split(separator: " ").first! }).count == 6, "each once: \(shown)")
        #expect(FileManager.default.fileExists(atPath: directory + "/log/snapshot.lunasnap"), "compactions ran meanwhile")
        lunad.stop()
    }

    /// A hand edit of the views (or disk rot) is what --verify exists to find.
    @Test func verifyFindsAViewThatDiffersFromTheLog() async throws {
        let directory = LunadProcess.temporaryDirectory("verify")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lunad = LunadProcess(dataDirectory: directory)
        #expect(try await lunad.start() == nil)
        lunad.stop()
        #expect(try LunadProcess.luna(["log", "replay", "--data-dir", directory, "--verify"]).exit == 0)

        let views = try DatabaseQueue(path: directory + "/views.sqlite")
        try await views.write { db in
            try db.execute(sql: "UPDATE node SET body = replace(body, 'compute-group', 'elsewhere') WHERE key = 'node003'")
        }
        try views.close()
        let verify = try LunadProcess.luna(["log", "replay", "--data-dir", directory, "--verify"])
        #expect(verify.exit == 1)
        #expect(verify.output.contains("node             different"))
        #expect(verify.output.contains("network          equal"))
    }
}
