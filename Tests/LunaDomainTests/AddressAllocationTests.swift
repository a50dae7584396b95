import LunaDomain
import LunaModel
import Testing

@Suite("Address allocation")
struct AddressAllocationTests {
    /// A group "g" with one interface on `network`.
    func harness(_ cidr: String, _ extra: Row = [:]) -> Harness {
        var h = Harness()
        h.network("net", cidr, extra)
        h.group("g", interfaces: [("eth0", "net")])
        return h
    }

    @Test func firstAddressesGoInOrder() {
        var h = harness("10.141.0.0/24")
        h.node("n1", group: "g")
        h.node("n2", group: "g")
        #expect(h.address("n1/eth0") == "10.141.0.1")
        #expect(h.address("n2/eth0") == "10.141.0.2")
        #expect(h.holder("10.141.0.2", on: "net") == "n2/eth0")
    }

    @Test func slash30FillsUpThenNoFreeAddress() {
        var h = harness("10.0.0.0/30")
        h.node("n1", group: "g")
        h.node("n2", group: "g")
        // Network .0 and broadcast .3 are never handed out.
        #expect(h.address("n1/eth0") == "10.0.0.1")
        #expect(h.address("n2/eth0") == "10.0.0.2")
        let error = h.rejected("Node.update", "n3", ["group": "g"])
        #expect(error?.message == "Invalid request: network net has no free IPv4 address left")
        #expect(h.row(.node, "n3") == nil)
    }

    @Test func slash29GivesSixHostsAndSkipsTheGateway() {
        var h = harness("10.0.0.8/29", ["gateway": "10.0.0.9"])
        for index in 1...5 { h.node("n\(index)", group: "g") }
        let given = (1...5).compactMap { h.address("n\($0)/eth0") }
        #expect(given == ["10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.14"])
        #expect(!given.contains("10.0.0.8") && !given.contains("10.0.0.15"))
        #expect(h.rejected("Node.update", "n6", ["group": "g"])?.message.contains("no free IPv4 address left") == true)
    }

    @Test func gatewayInTheMiddleIsSkipped() {
        var h = harness("10.0.0.0/24", ["gateway": "10.0.0.2"])
        for index in 1...3 { h.node("n\(index)", group: "g") }
        #expect(h.address("n1/eth0") == "10.0.0.1")
        #expect(h.address("n2/eth0") == "10.0.0.3")
        #expect(h.address("n3/eth0") == "10.0.0.4")
    }

    @Test func dhcpRangeIsSkipped() {
        var h = harness(
            "10.0.0.0/24",
            ["dhcp": true, "dhcp_range_begin": "10.0.0.1", "dhcp_range_end": "10.0.0.100", "gateway": "10.0.0.254"])
        h.node("n1", group: "g")
        h.node("n2", group: "g")
        #expect(h.address("n1/eth0") == "10.0.0.101")
        #expect(h.address("n2/eth0") == "10.0.0.102")
    }

    @Test func dhcpRangeInTheMiddleIsJumpedOver() {
        var h = harness("10.0.0.0/28", ["dhcp": true, "dhcp_range_begin": "10.0.0.2", "dhcp_range_end": "10.0.0.13"])
        h.node("n1", group: "g")
        h.node("n2", group: "g")
        #expect(h.address("n1/eth0") == "10.0.0.1")
        #expect(h.address("n2/eth0") == "10.0.0.14")
        #expect(
            h.rejected("Node.update", "n3", ["group": "g"])?.message
                == "Invalid request: network net has no free IPv4 address left")
    }

    @Test func dhcpRangeUpToTheTopLeavesNothingAbove() {
        var h = harness("10.0.0.0/29", ["dhcp": true, "dhcp_range_begin": "10.0.0.2", "dhcp_range_end": "10.0.0.6"])
        h.node("n1", group: "g")
        #expect(h.address("n1/eth0") == "10.0.0.1")
        #expect(
            h.rejected("Node.update", "n2", ["group": "g"])?.message
                == "Invalid request: network net has no free IPv4 address left")
    }

    @Test func requestedAddressInTheDhcpRangeNeedsForce() {
        var h = harness("10.0.0.0/24", ["dhcp": true, "dhcp_range_begin": "10.0.0.100", "dhcp_range_end": "10.0.0.200"])
        h.node("n1", group: "g")
        let error = h.rejected(
            "Node.interfaces", "n1", ["interfaces": interfaces([["interface": "eth0", "ipaddress": "10.0.0.150"]])])
        #expect(error?.message == "Invalid request: 10.0.0.150 lies in the DHCP range of network net; set force to use it anyway")
        h.ok(
            "Node.interfaces", "n1",
            ["interfaces": interfaces([["interface": "eth0", "ipaddress": "10.0.0.150", "force": true]])])
        #expect(h.address("n1/eth0") == "10.0.0.150")
        #expect(h.holder("10.0.0.1", on: "net") == nil)
    }

    @Test(arguments: [
        ("10.0.1.5", "Invalid request: 10.0.1.5 is not in the range of network net (10.0.0.0/24)"),
        ("10.0.0.0", "Invalid request: 10.0.0.0 is not in the range of network net (10.0.0.0/24)"),
        ("10.0.0.255", "Invalid request: 10.0.0.255 is not in the range of network net (10.0.0.0/24)"),
        ("10.0.0.1", "Invalid request: 10.0.0.1 is the gateway of network net"),
        ("fd00::5", "Invalid request: network net has no IPv6 range for address fd00::5"),
    ])
    func requestedAddressIsRefused(address: String, message: String) {
        var h = harness("10.0.0.0/24", ["gateway": "10.0.0.1"])
        h.node("n1", group: "g")
        let error = h.rejected(
            "Node.interfaces", "n1", ["interfaces": interfaces([["interface": "eth0", "ipaddress": .string(address)]])])
        #expect(error?.message == message)
        #expect(h.address("n1/eth0") == "10.0.0.2")
    }

    @Test func addressAlreadyTakenIsRefused() {
        var h = harness("10.0.0.0/24")
        h.node("n1", group: "g")
        h.node("n2", group: "g")
        let error = h.rejected(
            "Node.interfaces", "n2", ["interfaces": interfaces([["interface": "eth0", "ipaddress": "10.0.0.1", "force": true]])])
        #expect(error?.message == "Invalid request: 10.0.0.1 on network net is already in use by n1/eth0")
        // Asking for the address it already has is fine.
        h.ok("Node.interfaces", "n1", ["interfaces": interfaces([["interface": "eth0", "ipaddress": "10.0.0.1"]])])
        #expect(h.address("n1/eth0") == "10.0.0.1")
    }

    @Test func addressesHeldBySwitchesAreNotGivenToNodes() {
        var h = harness("10.0.0.0/24")
        h.ok("Switch.update", "sw1", ["network": "net", "ipaddress": "10.0.0.1"])
        #expect(h.holder("10.0.0.1", on: "net") == "switch:sw1")
        h.node("n1", group: "g")
        #expect(h.address("n1/eth0") == "10.0.0.2")
    }

    @Test func slash31UsesBothAddresses() {
        var h = harness("10.0.0.0/31")
        h.node("n1", group: "g")
        h.node("n2", group: "g")
        #expect(h.address("n1/eth0") == "10.0.0.0")
        #expect(h.address("n2/eth0") == "10.0.0.1")
        #expect(h.rejected("Node.update", "n3", ["group": "g"])?.message.contains("no free IPv4 address") == true)
    }

    @Test func slash32HoldsOneAddress() {
        var h = harness("10.0.0.7/32")
        h.node("n1", group: "g")
        #expect(h.address("n1/eth0") == "10.0.0.7")
        #expect(h.rejected("Node.update", "n2", ["group": "g"]) != nil)
    }

    @Test func ipv6AllocationOnADualStackNetwork() {
        var h = harness("10.0.0.0/24", ["network_ipv6": "fd00:141::/64", "gateway_ipv6": "fd00:141::1"])
        h.node("n1", group: "g")
        h.node("n2", group: "g")
        #expect(h.address("n1/eth0") == "10.0.0.1")
        #expect(h.address("n1/eth0", v6: true) == "fd00:141::2")
        #expect(h.address("n2/eth0", v6: true) == "fd00:141::3")
        #expect(h.holder("fd00:141::3", on: "net") == "n2/eth0")
    }

    @Test func ipv6OnlyNetworkGivesOnlyIPv6() {
        var h = Harness()
        h.ok("Network.update", "net6", ["network_ipv6": "FD00:0:0:1::/64"])
        #expect(h.string(.network, "net6", "network_ipv6") == "fd00:0:0:1::/64")
        h.group("g", interfaces: [("eth0", "net6")])
        h.node("n1", group: "g")
        #expect(h.address("n1/eth0") == nil)
        // The subnet-router anycast address (the first) is not given.
        #expect(h.address("n1/eth0", v6: true) == "fd00:0:0:1::1")
        let error = h.rejected(
            "Node.interfaces", "n1", ["interfaces": interfaces([["interface": "eth0", "ipaddress": "10.0.0.1"]])])
        #expect(error?.message == "Invalid request: network net6 has no IPv4 range for address 10.0.0.1")
    }

    @Test func ipv6DhcpRangeIsSkipped() {
        var h = Harness()
        h.ok(
            "Network.update", "net6",
            [
                "network_ipv6": "fd00::/64", "dhcp": true,
                "dhcp_range_begin_ipv6": "fd00::1", "dhcp_range_end_ipv6": "fd00::ff",
            ])
        h.group("g", interfaces: [("eth0", "net6")])
        h.node("n1", group: "g")
        #expect(h.address("n1/eth0", v6: true) == "fd00::100")
    }

    @Test func ipv6Slash127And128() {
        var h = Harness()
        h.ok("Network.update", "p2p", ["network_ipv6": "fd00::/127"])
        h.ok("Network.update", "one", ["network_ipv6": "fd00::9/128"])
        h.group("g", interfaces: [("eth0", "p2p"), ("eth1", "one")])
        h.node("n1", group: "g")
        #expect(h.address("n1/eth0", v6: true) == "fd00::")
        #expect(h.address("n1/eth1", v6: true) == "fd00::9")
        let error = h.rejected("Node.update", "n2", ["group": "g"])
        #expect(error?.message == "Invalid request: network one has no free IPv6 address left")
    }

    @Test func ipv6RequestedAddressIsChecked() {
        var h = harness("10.0.0.0/24", ["network_ipv6": "fd00::/64"])
        h.node("n1", group: "g")
        h.ok("Node.interfaces", "n1", ["interfaces": interfaces([["interface": "eth0", "ipaddress": "fd00::abcd"]])])
        #expect(h.address("n1/eth0", v6: true) == "fd00::abcd")
        #expect(h.address("n1/eth0") == "10.0.0.1")
        let outside = h.rejected(
            "Node.interfaces", "n1", ["interfaces": interfaces([["interface": "eth0", "ipaddress": "fd01::1"]])])
        #expect(outside?.message == "Invalid request: fd01::1 is not in the range of network net (fd00::/64)")
    }
}
