import Foundation
import Testing

/// What lunad says when it cannot start: one sentence naming what is wrong, exit 1.
@Suite(.serialized)
struct StartupTests {
    @Test func refusesAnEmptyDataDirectoryWithoutBootstrap() async throws {
        let directory = LunadProcess.temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try LunadProcess.writeConfig(directory + "/luna.ini", replacing: ["BOOTSTRAP = bootstrap.ini": ""])
        let result = try await LunadProcess(dataDirectory: directory).start(extraArguments: ["--config", config])
        #expect(result?.exit == 1)
        #expect(result?.output.contains("holds no cluster yet and no bootstrap file was given") == true)
    }

    @Test func namesTheFileSectionAndKeyOfABadValue() async throws {
        let directory = LunadProcess.temporaryDirectory("badconfig")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try LunadProcess.writeConfig(directory + "/luna.ini", replacing: ["EXPIRY = 24h": "EXPIRY = soon"])
        let result = try await LunadProcess(dataDirectory: directory).start(extraArguments: ["--config", config])
        #expect(result?.exit == 1)
        #expect(result?.output.contains("\(config): [API] EXPIRY = soon is not a duration") == true)
    }

    @Test func refusesABMCConcurrencyOutOfRange() async throws {
        let directory = LunadProcess.temporaryDirectory("badcontrol")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try LunadProcess.writeConfig(directory + "/luna.ini", replacing: ["; CONCURRENCY = 128": "CONCURRENCY = 0"])
        let result = try await LunadProcess(dataDirectory: directory).start(extraArguments: ["--config", config])
        #expect(result?.exit == 1)
        #expect(
            result?.output.contains("[CONTROL] CONCURRENCY = 0 must be a number of BMCs from 1 to 10000") == true,
            "\(result?.output ?? "")")
    }

    @Test func refusesToSeedFromABootstrapFileThatDoesNotNameIt() async throws {
        let directory = LunadProcess.temporaryDirectory("stranger")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let refused = try await LunadProcess(dataDirectory: directory).start(extraArguments: ["--name", "stranger"])
        #expect(refused?.exit == 1)
        #expect(
            refused?.output.contains("[HOSTS] names the controllers controller, not this one, stranger") == true,
            "\(refused?.output ?? "")")
    }

    @Test func refusesABadCompactionAgeAndAWildcardAdvertisedAddress() async throws {
        let directory = LunadProcess.temporaryDirectory("badreplication")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let age = try LunadProcess.writeConfig(directory + "/age.ini", replacing: ["COMPACT_AGE = 1h": "COMPACT_AGE = often"])
        let badAge = try await LunadProcess(dataDirectory: directory + "/a").start(extraArguments: ["--config", age])
        #expect(badAge?.output.contains("[DATA] COMPACT_AGE = often is not a duration") == true, "\(badAge?.output ?? "")")

        let wildcard = try LunadProcess.writeConfig(directory + "/wildcard.ini")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: wildcard))
        handle.seekToEndOfFile()
        handle.write(Data("\n[REPLICATION]\nPORT = 7250\nBIND = 0.0.0.0\nCERTIFICATES = certs\n".utf8))
        try handle.close()
        let refused = try await LunadProcess(dataDirectory: directory + "/b").start(extraArguments: ["--config", wildcard])
        #expect(refused?.exit == 1)
        #expect(refused?.output.contains("[REPLICATION] ADVERTISE is needed when BIND listens on every address") == true)
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

}
