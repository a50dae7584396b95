import Foundation
import Testing

/// What lunad says when it cannot start: one sentence naming what is wrong, exit 1.
@Suite(.serialized)
struct StartupTests {
    @Test func refusesAnEmptyDataDirectoryWithoutBootstrap() async throws {
        let directory = LunadProcess.temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try writeConfig(directory, replacing: "BOOTSTRAP = bootstrap.ini", with: "")
        let result = try await LunadProcess(dataDirectory: directory).start(extraArguments: ["--config", config])
        #expect(result?.exit == 1)
        #expect(result?.output.contains("holds no cluster yet and no bootstrap file was given") == true)
    }

    @Test func namesTheFileSectionAndKeyOfABadValue() async throws {
        let directory = LunadProcess.temporaryDirectory("badconfig")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try writeConfig(directory, replacing: "EXPIRY = 24h", with: "EXPIRY = soon")
        let result = try await LunadProcess(dataDirectory: directory).start(extraArguments: ["--config", config])
        #expect(result?.exit == 1)
        #expect(result?.output.contains("\(config): [API] EXPIRY = soon is not a duration") == true)
    }

    @Test func refusesALogDamagedInTheMiddleAndRecoversATornTail() async throws {
        let directory = LunadProcess.temporaryDirectory("damage")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lunad = LunadProcess(dataDirectory: directory)
        #expect(try await lunad.start() == nil)
        for index in 0..<5 {
            _ = try await lunad.post(
                "/config/node/extra\(index)",
                .object(["config": .object(["node": .object(["extra\(index)": .object(["group": "compute-group"])])])]))
        }
        lunad.stop()
        let log = directory + "/log/events.lunalog"

        let torn = FileHandle(forWritingAtPath: log)!
        torn.seekToEndOfFile()
        torn.write(Data("LUNB".utf8) + Data(repeating: 7, count: 30))
        try torn.close()
        #expect(try await lunad.start() == nil)
        #expect(try await lunad.get("/config/node/extra4").status == 200)
        lunad.stop()

        var bytes = try Data(contentsOf: URL(fileURLWithPath: log))
        bytes[60] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: log))
        let refused = try await lunad.start()
        #expect(refused?.exit == 1)
        #expect(refused?.output.contains("is damaged at byte 0") == true, "\(refused?.output ?? "")")
    }

    private func writeConfig(_ directory: String, replacing old: String, with new: String) throws -> String {
        let shipped = try String(contentsOf: LunadProcess.root.appendingPathComponent("Config/luna.ini"), encoding: .utf8)
        let path = directory + "/luna.ini"
        try shipped.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
