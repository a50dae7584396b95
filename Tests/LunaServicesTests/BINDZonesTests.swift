import Foundation
import LunaDomain
import LunaModel
import LunaRuntime
import LunaServices
import Testing

/// BIND's zones rendered from the shipped bootstrap cluster and checked by BIND's own
/// tools (Debian's bind9-utils): `named-checkzone` for each zone, `named-checkconf -z` whole.
@Suite("BIND zones")
struct BINDZonesTests {
    let cluster: SeededCluster
    var controller: Controller { cluster.controller }
    var directory: String { cluster.directory }

    init() async throws {
        cluster = try await SeededCluster()
    }

    func change(_ intent: String, _ object: String, _ body: Row) async throws {
        try await cluster.change(intent, object, body)
    }

    func zones() async throws -> [DNSZone] {
        try BINDZones(state: await controller.read { $0 }).zones()
    }

    /// Writes the zones and a named.conf that includes them; checks each zone and the whole.
    func check(_ zones: [DNSZone]) async throws(LunaError) {
        let bind = BINDZones(state: await controller.read { $0 })
        let folder = directory + "/bind"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for zone in zones {
            let file = "\(folder)/\(zone.name).luna.zone"
            try? zone.text.write(toFile: file, atomically: true, encoding: .utf8)
            try await ConfigCheck(tool: "named-checkzone", arguments: [zone.name]).run(on: file)
        }
        try? bind.optionsConf(directory: folder).write(toFile: folder + "/options.conf", atomically: true, encoding: .utf8)
        try? bind.zonesConf(zones, directory: folder).write(toFile: folder + "/zones.conf", atomically: true, encoding: .utf8)
        try? "include \"\(folder)/options.conf\";\ninclude \"\(folder)/zones.conf\";\n".write(
            toFile: folder + "/named.conf", atomically: true, encoding: .utf8)
        try await ConfigCheck(tool: "named-checkconf", arguments: ["-z"]).run(on: folder + "/named.conf")
    }

    static func records(_ zone: DNSZone?) -> [String] {
        (zone?.records ?? []).map { "\($0.name) \($0.type) \($0.value)" }
    }

    @Test func everyNetworkHasAForwardAndAReverseZoneThatBINDAccepts() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await change("Switch.update", "switch01", ["network": "cluster", "ipaddress": "10.141.254.1"])
        try await change("DNS.update", "cluster", ["entries": [["host": "nas", "ipaddress": "10.141.250.1"]]])
        let zones = try await zones()
        #expect(zones.map(\.name) == ["cluster", "141.10.in-addr.arpa", "ib", "ipmi", "148.10.in-addr.arpa"])
        let cluster = Self.records(zones.first { $0.name == "cluster" })
        for record in [
            "node001 A 10.141.0.1", "node004 A 10.141.0.4", "switch01 A 10.141.254.1", "nas A 10.141.250.1",
            "controller A 10.141.255.254",
        ] {
            #expect(cluster.contains(record), "\(record)")
        }
        #expect(Self.records(zones.first { $0.name == "141.10.in-addr.arpa" }).contains("1.0 PTR node001.cluster."))
        #expect(Self.records(zones.first { $0.name == "ipmi" }).contains("node001 A 10.148.0.1"), "the BMC, by the node's name")
        try await check(zones)
    }

    @Test func ipv6AddressesGetAAAAAndNibbleReverseRecords() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await change("Network.update", "cluster", ["network_ipv6": "fd00:141::/64"])
        try await change("Node.update", "node001", ["interfaces": [["interface": "BOOTIF", "ipaddress": "fd00:141::1"]]])
        let zones = try await zones()
        #expect(Self.records(zones.first { $0.name == "cluster" }).contains("node001 AAAA fd00:141::1"))
        let reverse = zones.first { $0.name == "0.0.0.0.0.0.0.0.1.4.1.0.0.0.d.f.ip6.arpa" }
        #expect(Self.records(reverse).contains("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR node001.cluster."))
        try await check(zones)
    }

    @Test func theSerialFollowsTheRecordsAlone() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let before = try await zones().first { $0.name == "cluster" }!
        #expect(try await zones().first { $0.name == "cluster" }!.serial == before.serial, "the same views, the same serial")
        try await change("DNS.update", "cluster", ["entries": [["host": "nas", "ipaddress": "10.141.250.1"]]])
        #expect(try await zones().first { $0.name == "cluster" }!.serial != before.serial)
        #expect(try await zones().first { $0.name == "ipmi" }!.serial == (try await zones().first { $0.name == "ipmi" }!.serial))
    }

    @Test func aZoneBINDRefusesIsASentenceNamingIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var zone = try await zones().first { $0.name == "cluster" }!
        zone.records.append(.init(name: "broken", type: "A", value: "not-an-address"))
        do {
            try await check([zone])
            Issue.record("named-checkzone took an A record without an address")
        } catch {
            #expect(
                error.kind == .invalid && error.message.hasPrefix("named-checkzone refused \(directory)/bind/cluster.luna.zone"),
                "\(error.message)")
        }
    }
}
