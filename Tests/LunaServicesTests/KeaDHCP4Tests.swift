import Foundation
import LunaDomain
import LunaModel
import LunaRuntime
import LunaServices
import Testing

/// Kea's DHCPv4 configuration rendered from the shipped bootstrap cluster, checked by
/// Kea itself (`kea-dhcp4 -t`, Debian's kea-dhcp4-server).
@Suite("Kea DHCPv4 configuration")
struct KeaDHCP4Tests {
    let cluster: SeededCluster
    var controller: Controller { cluster.controller }
    var directory: String { cluster.directory }

    init() async throws {
        cluster = try await SeededCluster()
        try await cluster.change(
            "Node.update", "node001",
            [
                "interfaces": [
                    ["interface": "BOOTIF", "macaddress": "52:54:00:00:00:01"],
                    ["interface": "BMC", "macaddress": "52:54:00:00:01:01"],
                ]
            ])
        try await cluster.change(
            "Switch.update", "switch01", ["macaddress": "52:54:00:00:02:01", "network": "cluster", "ipaddress": "10.141.254.1"])
    }

    /// Writes as an operator would; once the test adds members that never answer, this
    /// controller is behind them and writes only as the seeding does.
    func change(_ intent: String, _ object: String, _ body: Row) async throws {
        try await cluster.change(intent, object, body)
    }

    func configuration(for name: String = "controller") async throws -> JSONValue {
        let state = await controller.read { $0 }
        let site = KeaDHCP4.Site(
            controller: name, interfaces: ["lo"], controlSocket: directory + "/kea4.sock", leaseFile: directory + "/kea4.leases")
        return try KeaDHCP4(state: state, site: site).configuration()
    }

    func check(_ configuration: JSONValue) async throws(LunaError) {
        let file = directory + "/kea-dhcp4-\(UUID()).conf"
        try? configuration.canonicalText.write(toFile: file, atomically: true, encoding: .utf8)
        try await ConfigCheck(tool: "kea-dhcp4", arguments: ["-t"]).run(on: file)
    }

    @Test func theConfigurationServesReservationsAndBootURLsAndKeaAcceptsIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try await configuration()
        try await check(config)
        let subnets = try #require(config["Dhcp4"]?["subnet4"]?.arrayValue)
        #expect(subnets.count == 1, "only the cluster network has DHCP")
        let cluster = subnets[0]
        #expect(cluster["subnet"] == "10.141.0.0/16")
        #expect(cluster["pools"]?[0]?["pool"] == "10.141.155.0 - 10.141.165.0")
        let reservations = cluster["reservations"]?.arrayValue ?? []
        #expect(reservations.contains(["hw-address": "52:54:00:00:00:01", "ip-address": "10.141.0.1", "hostname": "node001"]))
        #expect(reservations.contains(["hw-address": "52:54:00:00:02:01", "ip-address": "10.141.254.1", "hostname": "switch01"]))
        #expect(!reservations.contains { $0["hw-address"] == "52:54:00:00:01:01" }, "the BMC lives on the ipmi network")
        let ipxe = config["Dhcp4"]?["client-classes"]?.arrayValue?.first { $0["name"] == "ipxe" }
        #expect(ipxe?["boot-file-name"] == "http://10.141.255.254:7050/boot")
        let options = cluster["option-data"]?.arrayValue ?? []
        #expect(options.contains(["name": "routers", "data": "10.141.255.254"]))
    }

    /// Three full controllers: each serves the same reservations and its own third of the
    /// dynamic range, so no address is handed to two machines.
    @Test func eachControllerServesADisjointSliceOfTheRangeAndTheSameReservations() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await change("Controller.update", "c2", ["ipaddress": "10.141.255.252", "network": "cluster"])
        try await change("Controller.update", "c3", ["ipaddress": "10.141.255.253", "network": "cluster"])
        var pools: [String] = []
        var reservations: [JSONValue] = []
        for name in ["controller", "c2", "c3"] {
            let config = try await configuration(for: name)
            try await check(config)
            let cluster = config["Dhcp4"]?["subnet4"]?[0]
            pools.append(cluster?["pools"]?[0]?["pool"]?.stringValue ?? "")
            reservations.append(cluster?["reservations"] ?? .null)
        }
        // Members in name order (c2, c3, controller) take thirds of 2,561 addresses, the last the rest.
        #expect(pools == ["10.141.161.170 - 10.141.165.0", "10.141.155.0 - 10.141.158.84", "10.141.158.85 - 10.141.161.169"])
        #expect(reservations.allSatisfy { $0 == reservations[0] })
        try await change("Controller.update", "c3", ["shadow": true])
        let shadow = try await configuration(for: "c3")
        #expect(shadow["Dhcp4"]?["subnet4"]?[0]?["pools"] == nil, "a shadow leases nothing")
    }

    @Test func kaesRefusalIsASentenceNamingTheFile() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = try await configuration().objectValue!
        var dhcp = config["Dhcp4"]!.objectValue!
        dhcp["subnet4"] = [["id": 1, "subnet": "10.141.0.0/16", "pools": [["pool": "10.200.0.1 - 10.200.0.9"]]]]
        config["Dhcp4"] = .object(dhcp)
        do {
            try await check(.object(config))
            Issue.record("a pool outside its subnet passed kea-dhcp4 -t")
        } catch {
            #expect(
                error.kind == .invalid && error.message.hasPrefix("kea-dhcp4 refused \(directory)/kea-dhcp4-"), "\(error.message)"
            )
        }
    }
}
