import Foundation
import LunaDomain
import LunaModel
import LunaServices
import Testing

/// Kea's DHCPv6 configuration checked by `kea-dhcp6 -t`; the TFTP root kept from
/// Debian's ipxe package; keepalived's configuration for a trio.
struct DHCP6AndTFTPTests {
    @Test func kea6ServesAFixedAddressPerMACAndAcceptsTheConfiguration() async throws {
        let cluster = try await SeededCluster()
        try await cluster.change(
            "Network.update", "cluster",
            ["network_ipv6": "fd41::/64", "dhcp_range_begin_ipv6": "fd41::1000", "dhcp_range_end_ipv6": "fd41::1fff"])
        try await cluster.change(
            "Node.update", "node001",
            ["interfaces": [["interface": "BOOTIF", "macaddress": "52:54:00:00:00:01"]]])
        let state = await cluster.controller.read { $0 }
        let assigned = try #require(state.row(.nodeinterface, RowKey.child("node001", "BOOTIF"))?["ipaddress_ipv6"]?.stringValue)
        let site = KeaDHCP4.Site(
            controller: "controller", interfaces: ["lo"], controlSocket: cluster.directory + "/kea6.sock",
            leaseFile: cluster.directory + "/kea6.leases")
        let config = try KeaDHCP6(state: state, site: site).configuration()
        let file = cluster.directory + "/kea-dhcp6.conf"
        try config.canonicalText.write(toFile: file, atomically: true, encoding: .utf8)
        try await ConfigCheck(tool: "kea-dhcp6", arguments: ["-t"]).run(on: file)
        let subnet = try #require(config["Dhcp6"]?["subnet6"]?[0])
        #expect(subnet["subnet"] == "fd41::/64")
        #expect(subnet["pools"]?[0]?["pool"] == "fd41::1000 - fd41::1fff")
        #expect(subnet["reservations"]?[0]?["ip-addresses"]?[0]?.stringValue == assigned)
        #expect(subnet["reservations"]?[0]?["hw-address"] == "52:54:00:00:00:01")
        #expect(config["Dhcp6"]?["data-directory"]?.stringValue == cluster.directory, "each controller keeps its own DUID")
        await cluster.remove()
    }

    @Test func theTFTPRootGetsIPXEWholeAndOnlyWhenItDiffers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("luna-tftp-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let root = TFTPRoot(directory: folder + "/tftp", source: "/usr/lib/ipxe")
        #expect(try root.reconcile() == ["undionly.kpxe", "ipxe.efi"])
        #expect(try root.reconcile() == [], "nothing to copy the second time")
        #expect(
            FileManager.default.contents(atPath: folder + "/tftp/ipxe.efi")
                == FileManager.default.contents(atPath: "/usr/lib/ipxe/ipxe.efi"))
        let missing = TFTPRoot(directory: folder + "/other", source: folder + "/none")
        let error = #expect(throws: LunaError.self) { try missing.reconcile() }
        #expect(error?.message.contains("install Debian's ipxe package") == true)
    }

    @Test func keepalivedFloatsTheBeaconWithPrioritiesInLunasOrder() async throws {
        let cluster = try await SeededCluster()
        try await cluster.change("Cluster.update", "cluster", ["beacon_ip": "10.141.255.250"])
        try await cluster.change("Controller.update", "c2", ["ipaddress": "10.141.255.252", "network": "cluster"])
        let state = await cluster.controller.read { $0 }
        let first = try KeepalivedConfig(state: state, controller: "controller", interface: "eth0").text()
        let second = try KeepalivedConfig(state: state, controller: "c2", interface: "eth0").text()
        #expect(first.contains("priority 200") && second.contains("priority 190"), "the controller marked beacon first")
        #expect(first.contains("10.141.255.250/16 dev eth0"))
        #expect(first.contains("unicast_src_ip 10.141.255.254") && first.contains("        10.141.255.252"))
        let routerID = { (text: String) in text.split(separator: "\n").first { $0.contains("virtual_router_id") } }
        #expect(routerID(first) == routerID(second), "every controller in one VRRP instance")
        // keepalived checks that the interface exists: in a namespace of the test's own with an eth0 (a veth: no dummy driver here).
        let namespace = "lunatest-\(UInt32.random(in: 0...UInt32.max))"
        let file = cluster.directory + "/keepalived.conf"
        try first.write(toFile: file, atomically: true, encoding: .utf8)
        // Namespace changes wait on the kernel's lock, held long while other tests tear
        // their namespaces down (CI saw `ip netns add` outlast 30 s): a generous limit.
        let limit: Duration = .seconds(180)
        // Removed even when a step fails, so a second run starts clean.
        defer { Task { _ = try? await ProgramRun(["ip", "netns", "delete", namespace], timeout: limit).run() } }
        for step in [
            ["ip", "netns", "add", namespace],
            ["ip", "-n", namespace, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1"],
        ] {
            #expect(try await ProgramRun(step, timeout: limit).run().succeeded, "\(step)")
        }
        let check = try await ProgramRun(
            ["ip", "netns", "exec", namespace, "keepalived", "--config-test", "-f", file], timeout: limit
        ).run()
        #expect(check.succeeded, "keepalived refused it: \(check.tail)")
        await cluster.remove()
    }
}
