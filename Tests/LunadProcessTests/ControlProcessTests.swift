import Foundation
import LunaModel
import Testing

/// BMC control against real protocols on loopback (Deploy/bmc-sim): pyghmi's IPMI BMCs for
/// power, OpenIPMI's ipmi_sim for the event log and the locator light, sushy-tools'
/// Redfish emulator over HTTPS, one address where nothing answers, and nodes without a BMC
/// or with a wrong login. Each answer is checked against what the simulator was made to
/// do. Needs root (port 623, addresses of 127.0.10.0/24).
@Suite(.serialized, .enabled(if: getuid() == 0, "the simulated BMCs listen on port 623: run as root"))
struct ControlProcessTests {
    static let password = "P@ssword!"

    /// A simulator of Deploy/bmc-sim, running until `stop`.
    final class Simulator: @unchecked Sendable {
        let process = Process()
        let log: String
        let folder: String

        init(_ arguments: [String], log: String) throws {
            self.log = log
            folder = arguments[1]
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.executableURL = LunadProcess.root.appendingPathComponent("Deploy/bmc-sim")
            process.arguments = arguments
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        /// Waits for "ready" (the first run builds the Python tools: minutes).
        func ready() async throws {
            for _ in 0..<3000 {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if text.contains("ready") { return }
                guard process.isRunning else { throw ProcessFailure(description: "bmc-sim stopped: \(text)") }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw ProcessFailure(description: "bmc-sim \(process.arguments ?? []) was not ready within 300 s")
        }

        /// Kills the simulator by the id it wrote, then the script that waits for it.
        func stop() {
            if let text = try? String(contentsOfFile: folder + "/pid", encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                kill(pid, SIGKILL)
            }
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    static func node(_ name: String, setup: String, address: String?) -> JSONValue {
        var fields: [String: JSONValue] = ["group": "bmcgroup", "bmcsetup": .string(setup)]
        if let address {
            fields["interfaces"] = [["interface": "BMC", "network": "bmclab", "ipaddress": .string(address)]]
        }
        return ["config": ["node": .object([name: .object(fields)])]]
    }

    static func state(_ path: String) -> String {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func powerEventLogAndLightThroughIPMIAndRedfishOneNodeAndMany() async throws {
        let folder = LunadProcess.temporaryDirectory("control")
        let lunad = LunadProcess(dataDirectory: folder + "/data")
        let simulators = try [
            Simulator(
                ["ipmi", folder + "/ipmi", "admin", Self.password, "127.0.10.11", "127.0.10.12", "127.0.10.14"],
                log: folder + "/ipmi.log"),
            Simulator(["openipmi", folder + "/openipmi", "admin", Self.password, "127.0.10.15"], log: folder + "/openipmi.log"),
            Simulator(["redfish", folder + "/redfish", "admin", Self.password, "127.0.10.16"], log: folder + "/redfish.log"),
        ]
        defer {
            lunad.stop()
            for simulator in simulators { simulator.stop() }
            try? FileManager.default.removeItem(atPath: folder)
        }
        for simulator in simulators { try await simulator.ready() }
        try #require(try await lunad.start() == nil)

        let setup: [(String, JSONValue)] = [
            ("/config/network/bmclab", ["config": ["network": ["bmclab": ["network": "127.0.10.0/24"]]]]),
            (
                "/config/bmcsetup/sim",
                ["config": ["bmcsetup": ["sim": ["username": "admin", "password": .string(Self.password)]]]]
            ),
            ("/config/bmcsetup/wrong", ["config": ["bmcsetup": ["wrong": ["username": "admin", "password": "not-it"]]]]),
            (
                "/config/bmcsetup/rf",
                [
                    "config": [
                        "bmcsetup": [
                            "rf": [
                                "username": "admin", "password": .string(Self.password), "protocol": "redfish",
                                "verifycert": false,
                            ]
                        ]
                    ]
                ]
            ),
            // The test's nodes only: the bootstrap nodes' BMCs are at addresses no test may send to.
            (
                "/config/group/bmcgroup",
                [
                    "config": [
                        "group": [
                            "bmcgroup": ["bmcsetupname": "sim", "interfaces": [["interface": "BMC", "network": "bmclab"]]]
                        ]
                    ]
                ]
            ),
            ("/config/node/ipmi1", Self.node("ipmi1", setup: "sim", address: "127.0.10.11")),
            ("/config/node/ipmi2", Self.node("ipmi2", setup: "sim", address: "127.0.10.12")),
            ("/config/node/dead", Self.node("dead", setup: "sim", address: "127.0.10.13")),
            ("/config/node/wrongpw", Self.node("wrongpw", setup: "wrong", address: "127.0.10.14")),
            ("/config/node/oipmi", Self.node("oipmi", setup: "sim", address: "127.0.10.15")),
            ("/config/node/rf", Self.node("rf", setup: "rf", address: "127.0.10.16")),
            ("/config/node/nobmc", Self.node("nobmc", setup: "sim", address: nil)),
        ]
        for (path, body) in setup {
            let reply = try await lunad.post(path, body)
            #expect(reply.status == 201 || reply.status == 204, "\(path): \(reply.text)")
        }
        // nobmc's group gives it a BMC interface: take it away.
        let removed = try await lunad.get("/config/node/nobmc/interfaces/BMC/_delete")
        #expect(removed.status == 204, "\(removed.text)")

        // One node over IPMI (pyghmi): what the BMC answers is what the simulator holds.
        func control(_ path: String) async throws -> (status: Int, answer: String) {
            let reply = try await lunad.get("/control/action/\(path)")
            return (reply.status, reply.body?["control"]?.objectValue?.values.first?.stringValue ?? reply.text)
        }
        #expect(try await control("power/ipmi1/_status") == (200, "off"))
        #expect(try await control("power/ipmi1/_on").status == 204)
        #expect(Self.state(folder + "/ipmi/127.0.10.11.power") == "on")
        #expect(try await control("power/ipmi1/_status") == (200, "on"))
        #expect(try await control("power/ipmi1/_cycle").status == 204)
        #expect(try await control("power/ipmi1/_off").status == 204)
        #expect(Self.state(folder + "/ipmi/127.0.10.11.power") == "off")
        let shown = try await lunad.get("/monitor/node/ipmi1").body?["monitor"]?["status"]?["ipmi1"]?["state"]
        #expect(shown == "power off", "luna2 shows the last power action as the node's state")

        let wrong = try await control("power/wrongpw/_status")
        #expect(wrong.status == 501 && wrong.answer.hasPrefix("Command execution failed with exit code 1: "), "\(wrong)")
        #expect(wrong.answer.contains("Unable to establish IPMI v2 / RMCP+ session"), "\(wrong)")
        let none = try await lunad.get("/control/action/power/nobmc/_status")
        #expect(none.status == 404 && none.body?["message"] == "host nobmc does not exist or has no BMC interface configured")
        #expect(try await control("power/ipmi1/_dance") == (501, "Instruction not implemented"))

        // ipmi_sim: the event log and the locator light.
        let sel = try await control("sel/oipmi/_list")
        #expect(sel.status == 200 && sel.answer.contains("Processor"), "\(sel)")
        #expect(try await control("chassis/oipmi/_identify").status == 204)
        #expect(Self.state(folder + "/openipmi/identify") != "0 0")
        #expect(try await control("chassis/oipmi/_noidentify").status == 204)
        #expect(Self.state(folder + "/openipmi/identify") == "0 0")
        #expect(try await control("sel/oipmi/_clear").status == 204)
        #expect(try await control("sel/oipmi/_list") == (200, "SEL has no entries"))
        #expect(try await control("power/oipmi/_on").status == 204)
        #expect(Self.state(folder + "/openipmi/power") == "1")

        // Redfish over HTTPS: the fake driver applies a power change 1 to 11 s later.
        #expect(try await control("power/rf/_status") == (200, "off"))
        #expect(try await control("power/rf/_on").status == 204)
        var power = ""
        for _ in 0..<40 where power != "on" {
            power = try await control("power/rf/_status").answer
            if power != "on" { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(power == "on")
        #expect(try await control("chassis/rf/_identify").status == 204)
        #expect(try await control("power/rf/_cycle").status == 204)
        let noLog = try await control("sel/rf/_list")
        #expect(noLog.status == 501 && noLog.answer.contains("offers no log service"), "\(noLog)")

        // Many at once: results stream until drained; the dead BMC costs only its own time.
        let bulk = try await lunad.post(
            "/control/action/power/_status", ["control": ["power": ["status": ["hostlist": "ipmi[1-2],dead,nobmc"]]]])
        #expect(bulk.status == 200 && bulk.body?["total"] == 4, "\(bulk.text)")
        let request = try #require(bulk.body?["request_id"]?.stringValue)
        var merged: [String: String] = [:]
        func collect(_ body: JSONValue?) {
            for bucket in ["on", "off"] {
                for node in body?["control"]?["power"]?[bucket]?.objectValue?.keys ?? [:].keys { merged[node] = bucket }
            }
            for (node, why) in body?["control"]?["failed"]?.objectValue ?? [:] { merged[node] = why.stringValue }
        }
        collect(bulk.body)
        for _ in 0..<300 {
            let reply = try await lunad.get("/control/status/\(request)", authenticated: false)
            if reply.status == 404 { break }
            collect(reply.body)
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(merged["ipmi1"] == "off" && merged["ipmi2"] == "off", "\(merged)")
        #expect(merged["dead"]?.contains("Unable to establish") == true, "\(merged)")
        #expect(merged["nobmc"] == "host nobmc does not exist or has no BMC interface configured", "\(merged)")

        // A group by name; the CLI follows and fails naming how many nodes failed.
        let group = try await lunad.post(
            "/control/action/power/_on", ["control": ["power": ["on": ["grouplist": "bmcgroup"]]]])
        #expect(group.status == 200, "\(group.text)")
        let groupRequest = try #require(group.body?["request_id"]?.stringValue)
        for _ in 0..<300 where try await lunad.get("/control/status/\(groupRequest)", authenticated: false).status != 404 {
            try await Task.sleep(for: .milliseconds(100))
        }
        var on = false
        for _ in 0..<100 where !on {
            on = Self.state(folder + "/ipmi/127.0.10.12.power") == "on"
            if !on { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(on, "ipmi2 was not powered on")
        let cli = try await LunadProcess.runAside(
            at: LunadProcess.binaries.appendingPathComponent("luna"),
            [
                "power", "status", "ipmi[1-2],dead", "--url", "http://127.0.0.1:\(lunad.port)", "--username", "luna",
                "--password", "luna",
            ])
        #expect(cli.exit == 1, "\(cli.output)")
        #expect(cli.output.contains("ipmi2") && cli.output.contains("on") && cli.output.contains("dead"), "\(cli.output)")
        #expect(cli.output.contains("luna: power status failed on 1 of 3 nodes"), "\(cli.output)")

        // Every request is in the audit, with who asked and how it went.
        var audit: [String: JSONValue] = [:]
        for _ in 0..<50 where audit[request] == nil {
            audit = try await lunad.get("/control/audit").body?["control"]?["audit"]?.objectValue ?? [:]
            if audit[request] == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let record = try #require(audit[request], "\(audit.keys)")
        #expect(record["subsystem"] == "power" && record["action"] == "status" && record["succeeded"] == 2, "\(record)")
        #expect(Set(record["failed"]?.objectValue?.keys ?? [:].keys) == ["dead", "nobmc"], "\(record)")
        #expect(
            audit.values.contains { $0["action"] == "clear" && $0["nodes"] == ["oipmi"] && $0["succeeded"] == 1 },
            "each single request is recorded too")
    }
}
