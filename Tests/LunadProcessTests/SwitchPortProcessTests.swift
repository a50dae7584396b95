import Foundation
import LunaModel
import Testing

/// Switch-port discovery against snmpsim on loopback (Deploy/bmc-sim switch): the master
/// reads the switch's forwarding table, leaves the uplink out, and a node whose board was
/// replaced (a MAC it never had) is known by the port it is cabled to when it boots; a
/// second switch is read with SNMP v3 only.
/// Needs root (port 161).
@Suite(.serialized, .enabled(if: getuid() == 0, "the simulated switch listens on port 161: run as root"))
struct SwitchPortProcessTests {
    @Test func aReplacedNodeIsKnownByItsSwitchPort() async throws {
        let folder = LunadProcess.temporaryDirectory("switch")
        let lunad = LunadProcess(dataDirectory: folder + "/data")
        lunad.config = try LunadProcess.writeConfig(
            folder + "/luna.ini", replacing: ["; SCAN_INTERVAL = 60s": "SCAN_INTERVAL = 1s"])
        let fresh = "52:54:00:aa:bb:01"
        let simulators = try [
            ControlProcessTests.Simulator(
                [
                    "switch", folder + "/switch", "public", "127.0.10.20", "\(fresh)=7", "52:54:00:aa:bb:02=48",
                    "52:54:00:0a:0b:03=12",
                ],
                log: folder + "/switch.log"),
            // Read with SNMP v3 only.
            ControlProcessTests.Simulator(
                ["switch", folder + "/switch3", "v3only", "127.0.10.21", "52:54:00:cc:dd:05=3"], log: folder + "/switch3.log"),
        ]
        defer {
            lunad.stop()
            for simulator in simulators { simulator.stop() }
            try? FileManager.default.removeItem(atPath: folder)
        }
        for simulator in simulators { try await simulator.ready() }
        try #require(try await lunad.start() == nil)
        let setup: [(String, JSONValue)] = [
            ("/config/network/swlab", ["config": ["network": ["swlab": ["network": "127.0.10.0/24"]]]]),
            (
                "/config/switch/sw1",
                [
                    "config": [
                        "switch": [
                            "sw1": [
                                "network": "swlab", "ipaddress": "127.0.10.20", "read": "public", "uplinkports": "48",
                                "oid": ".1.3.6.1.2.1.17.7.1.2.2.1.2",
                            ]
                        ]
                    ]
                ]
            ),
            (
                "/config/node/rep01",
                [
                    "config": [
                        "node": [
                            "rep01": [
                                "group": "compute-group", "switch": "sw1", "switchport": "7",
                                "interfaces": [["interface": "BOOTIF", "macaddress": "52:54:00:00:00:99"]],
                            ]
                        ]
                    ]
                ]
            ),
        ]
        let v3: JSONValue = [
            "config": [
                "switch": [
                    "sw3": [
                        "network": "swlab", "ipaddress": "127.0.10.21", "snmp_user": "simulator", "snmp_authprotocol": "MD5",
                        "snmp_authpassword": "auctoritas", "snmp_privprotocol": "DES", "snmp_privpassword": "privatus",
                        "snmp_context": "v3only",
                    ]
                ]
            ]
        ]
        for (path, body) in setup + [("/config/switch/sw3", v3)] {
            let reply = try await lunad.post(path, body)
            #expect(reply.status == 201 || reply.status == 204, "\(path): \(reply.text)")
        }

        // Until a scan has read the whole table (the uplink 48 left out).
        let expected: JSONValue = ["7": [.string(fresh)], "12": ["52:54:00:0a:0b:03"]]
        var ports: JSONValue?
        for _ in 0..<150 where ports != expected {
            ports = try await lunad.get("/config/switch/sw1/ports").body?["config"]?["switch"]?["sw1"]?["ports"]
            if ports != expected { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(ports == expected, "\(String(describing: ports))")

        var v3Ports: JSONValue?
        for _ in 0..<150 where v3Ports?["3"] == nil {
            v3Ports = try await lunad.get("/config/switch/sw3/ports").body?["config"]?["switch"]?["sw3"]?["ports"]
            if v3Ports?["3"] == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(v3Ports == ["3": ["52:54:00:cc:dd:05"]], "SNMP v3: \(String(describing: v3Ports))")

        // The new board boots: its MAC is on rep01's port, so it is rep01.
        let boot = try await lunad.get("/boot/search/mac/\(fresh)", authenticated: false)
        #expect(boot.status == 200 && boot.text.contains("rep01"), "\(boot.text.prefix(300))")
        let node = try await lunad.get("/config/node/rep01").body?["config"]?["node"]?["rep01"]
        let bootif = node?["interfaces"]?.arrayValue?.first { $0["interface"] == "BOOTIF" }
        #expect(bootif?["macaddress"] == .string(fresh), "\(String(describing: node))")
        #expect(try await lunad.get("/config/node/node005").status == 404, "no node was created for the replaced board")
    }
}
