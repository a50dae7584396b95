import AsyncHTTPClient
import Foundation
import LunaModel
import NIOSSL
import Testing

/// lunad's edges as an operator meets them: a second daemon on the same data, a
/// misspelt key, a port in use, a normal stop, `--version`.
@Suite(.serialized)
struct DaemonEdgeTests {
    @Test func aSecondLunadOnTheSameDataIsRefusedAndTheFirstKeepsEveryWrite() async throws {
        let directory = LunadProcess.temporaryDirectory("locked")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = LunadProcess(dataDirectory: directory)
        defer { first.stop() }
        #expect(try await first.start() == nil)
        let second = try await LunadProcess(dataDirectory: directory).start()
        #expect(second?.exit == 1)
        let pid = first.process!.processIdentifier
        #expect(
            second?.output.contains("the data directory \(directory) is in use by another lunad (PID \(pid)") == true,
            "\(second?.output ?? "")")
        for index in 0..<10 {
            let reply = try await first.post(
                "/config/node/kept\(index)", ["config": ["node": .object(["kept\(index)": ["group": "compute-group"]])]])
            #expect(reply.status == 201)
        }
        #expect(
            try LunadProcess.luna(["log", "inspect", "--data-dir", directory, "--limit", "1"]).exit == 0, "readers need no lock")
        first.stop()
        let verify = try LunadProcess.luna(["log", "replay", "--data-dir", directory, "--verify"])
        #expect(verify.exit == 0, "\(verify.output)")
        #expect(try await first.start() == nil, "the lock went with the process")
        #expect(try await first.get("/config/node/kept9").status == 200)
        first.stop()
    }

    @Test func aMisspeltKeyOrSectionStopsStartUpWithTheNearestKnownOne() async throws {
        let directory = LunadProcess.temporaryDirectory("misspelt")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try LunadProcess.writeConfig(directory + "/key.ini", replacing: ["FSYNC = yes": "FSYNK = yes"])
        let badKey = try await LunadProcess(dataDirectory: directory + "/a").start(extraArguments: ["--config", key])
        #expect(badKey?.exit == 1)
        #expect(badKey?.output.contains("[DATA] has no key FSYNK; did you mean FSYNC?") == true, "\(badKey?.output ?? "")")

        let section = try LunadProcess.writeConfig(directory + "/section.ini", replacing: ["[DATA]": "[DTA]"])
        let badSection = try await LunadProcess(dataDirectory: directory + "/b").start(extraArguments: ["--config", section])
        #expect(badSection?.output.contains("unknown section [DTA]; did you mean [DATA]?") == true, "\(badSection?.output ?? "")")
        #expect(!FileManager.default.fileExists(atPath: directory + "/b/log"), "nothing was written")
    }

    @Test func aPortInUseIsNamedWithTheSettingThatChoseIt() async throws {
        let directory = LunadProcess.temporaryDirectory("port")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = LunadProcess(dataDirectory: directory + "/a")
        #expect(try await first.start() == nil)
        defer { first.stop() }
        let config = LunadProcess.root.appendingPathComponent("Config/luna.ini").path
        let clash: (exit: Int32, output: String)? = try LunadProcess.runToExit(
            "lunad", ["--config", config, "--data-dir", directory + "/b", "--port", String(first.port)])
        #expect(clash?.exit == 1)
        #expect(
            clash?.output.contains("cannot listen on 127.0.0.1:\(first.port) ([API] BIND and PORT in") == true,
            "\(clash?.output ?? "")")
        #expect(clash?.output.contains("another process listens there already") == true)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aStopIsCleanAndExitsZero(signal: Int32) async throws {
        let directory = LunadProcess.temporaryDirectory("stop")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lunad = LunadProcess(dataDirectory: directory)
        defer { lunad.stop() }
        #expect(try await lunad.start() == nil)
        #expect(try await lunad.get("/config/node/node001").status == 200)
        let stopped = lunad.stopCollectingOutput(signal: signal)
        #expect(stopped.exit == 0, "\(stopped.output)")
        for noise in ["error", "Error", "Already closed", "CancellationError"] {
            #expect(!stopped.output.contains(noise), "\(stopped.output)")
        }
    }

    @Test func underSystemdItsLinesCarryTheirPriorityForTheJournal() async throws {
        let directory = LunadProcess.temporaryDirectory("journal")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lunad = LunadProcess(dataDirectory: directory)
        lunad.environment = ["JOURNAL_STREAM": "8:4242"]
        defer { lunad.stop() }
        #expect(try await lunad.start() == nil)
        let lines = lunad.stopCollectingOutput().output.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("<5>lunad: [lunad] lunad controller serving http://") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("<5>lunad: [lunad] seeded the cluster from ") }, "\(lines)")
        #expect(lines.allSatisfy { $0.first == "<" }, "every line has its priority, none a timestamp: \(lines)")
    }

    @Test func listensOnEveryAddressOfBothFamiliesAndServesHTTPS() async throws {
        let directory = LunadProcess.temporaryDirectory("listen")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = directory + "/certs"
        #expect(
            try LunadProcess.luna(["cluster", "certs", "--out", certificates, "--controllers", "c1", "--addresses", "127.0.0.1"])
                .exit == 0)
        let config = try LunadProcess.writeConfig(
            directory + "/luna.ini",
            replacing: [
                "BIND = 127.0.0.1": "BIND = ::",
                "EXPIRY = 24h": "EXPIRY = 24h\nTLS_CERTIFICATE = \(certificates)/c1.pem\nTLS_KEY = \(certificates)/c1.key",
            ])
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(certificates + "/ca.pem")
        // The certificate names 127.0.0.1 only; ::1 is reached to prove the listening, not the name.
        tls.certificateVerification = .noHostnameVerification
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        let lunad = LunadProcess(dataDirectory: directory + "/data")
        lunad.baseURL = "https://127.0.0.1"
        lunad.client = client
        // The client must be shut down whatever happens, and that needs an await.
        var failure: (any Error)?
        do {
            let started = try await lunad.start(extraArguments: ["--config", config])
            #expect(started == nil, "\(started?.output ?? "")")
            for host in ["127.0.0.1", "[::1]"] {
                let response = try await client.execute(
                    HTTPClientRequest(url: "https://\(host):\(lunad.port)/version"), timeout: .seconds(5))
                #expect(response.status.code == 200, "\(host)")
            }
            let plain = try? await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(lunad.port)/version"), timeout: .seconds(2))
            #expect(plain?.status.code != 200, "no plain HTTP beside HTTPS")
        } catch {
            failure = error
        }
        lunad.stop()
        try await client.shutdown()
        if let failure { throw failure }
    }

    @Test func bothCommandsTellTheirVersion() throws {
        for binary in ["lunad", "luna"] {
            let result = try LunadProcess.runToExit(binary, ["--version"])
            #expect(result.exit == 0)
            #expect(result.output.contains(LunaVersion.current), "\(binary): \(result.output)")
        }
    }
}
