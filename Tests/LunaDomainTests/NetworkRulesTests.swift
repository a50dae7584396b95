import LunaDomain
import LunaModel
import Testing

@Suite("Network rules")
struct NetworkRulesTests {
    @Test func createNormalisesAndDefaults() throws {
        var h = Harness()
        let outcome = h.ok(
            "Network.update", "cluster", ["network": "10.141.0.0/16", "gateway": "10.141.255.254", "zone": "internal"])
        #expect(outcome == .created("Network cluster created successfully"))
        let row = try #require(h.row(.network, "cluster"))
        #expect(row["gateway_metric"] == .int(101))
        #expect(row["network"] == "10.141.0.0/16")
        #expect(row["zone"] == "internal")
        #expect(h.ok("Network.update", "cluster", ["gateway_metric": "50"]) == .changed("Network cluster updated"))
        #expect(h.row(.network, "cluster")?["gateway_metric"] == .int(50))
    }

    @Test func newNetworkNeedsARange() {
        var h = Harness()
        #expect(
            h.rejected("Network.update", "empty", ["comment": "x"])?.message
                == "Invalid request: a new network needs network (IPv4 CIDR) or network_ipv6")
    }

    @Test(arguments: [
        ("10.0.0.1/24", "network"),
        ("fd00::/64", "network"),
        ("10.0.0.0/24", "network_ipv6"),
    ])
    func cidrIsCheckedInPrepare(text: String, field: String) {
        let error = Harness.refused("Network.update", "net", [field: .string(text)])
        #expect(
            error?.message.hasPrefix("Invalid request: field \(field) with content '\(text)' is not a network in CIDR form")
                == true)
    }

    @Test func dhcpNeedsARangeBegin() {
        var h = Harness()
        let error = h.rejected("Network.update", "net", ["network": "10.0.0.0/24", "dhcp": true])
        #expect(error?.message == "Invalid request: DHCP start range is a required parameter")
        #expect(h.row(.network, "net") == nil)
    }

    @Test func dhcpNeedsARangeEnd() {
        var h = Harness()
        let error = h.rejected(
            "Network.update", "net", ["network": "10.0.0.0/24", "dhcp": true, "dhcp_range_begin": "10.0.0.10"])
        #expect(error?.message == "Invalid request: DHCP end range is a required parameter")
    }

    @Test func dhcpTurnedOnLaterIsCheckedToo() {
        var h = Harness()
        h.network("net", "10.0.0.0/24")
        #expect(
            h.rejected("Network.update", "net", ["dhcp": true])?.message
                == "Invalid request: DHCP start range is a required parameter")
        #expect(h.row(.network, "net")?["dhcp"] == nil)
    }

    @Test func dhcpBeginAfterEnd() {
        var h = Harness()
        let error = h.rejected(
            "Network.update", "net",
            ["network": "10.0.0.0/24", "dhcp": true, "dhcp_range_begin": "10.0.0.200", "dhcp_range_end": "10.0.0.100"])
        #expect(error?.message == "Invalid request: Incorrect dhcp start: 10.0.0.200 lies after the end 10.0.0.100")
    }

    @Test func dhcpRangeOutsideTheNetwork() {
        var h = Harness()
        let end = h.rejected(
            "Network.update", "net",
            ["network": "10.0.0.0/24", "dhcp": true, "dhcp_range_begin": "10.0.0.200", "dhcp_range_end": "10.0.1.10"])
        #expect(end?.message == "Invalid request: dhcp_range_end 10.0.1.10 is not in network 10.0.0.0/24")
        let begin = h.rejected(
            "Network.update", "net",
            ["network": "10.0.0.0/24", "dhcp": true, "dhcp_range_begin": "10.1.0.1", "dhcp_range_end": "10.1.0.9"])
        #expect(begin?.message == "Invalid request: dhcp_range_begin 10.1.0.1 is not in network 10.0.0.0/24")
    }

    @Test func dhcpRangeContainingTheGateway() {
        var h = Harness()
        let error = h.rejected(
            "Network.update", "net",
            [
                "network": "10.0.0.0/24", "gateway": "10.0.0.50", "dhcp": true, "dhcp_range_begin": "10.0.0.10",
                "dhcp_range_end": "10.0.0.100",
            ])
        #expect(error?.message == "Invalid request: the DHCP range 10.0.0.10-10.0.0.100 contains the gateway 10.0.0.50")
    }

    @Test func gatewayOutsideTheNetwork() {
        var h = Harness()
        let error = h.rejected("Network.update", "net", ["network": "10.0.0.0/24", "gateway": "10.0.1.1"])
        #expect(error?.message == "Invalid request: gateway 10.0.1.1 is not in network 10.0.0.0/24")
        let family = h.rejected("Network.update", "net", ["network": "10.0.0.0/24", "gateway": "fd00::1"])
        #expect(family?.message == "Invalid request: gateway fd00::1 needs an IPv4 network to belong to")
    }

    @Test func ipv6DhcpRangeNeedsBothEnds() {
        var h = Harness()
        let error = h.rejected(
            "Network.update", "net6", ["network_ipv6": "fd00::/64", "dhcp": true, "dhcp_range_begin_ipv6": "fd00::10"])
        #expect(error?.message == "Invalid request: DHCP end range is a required parameter")
    }

    @Test func dhcpNodesInPoolAndNodesOnlyExcludeEachOther() {
        var h = Harness()
        let error = h.rejected(
            "Network.update", "net", ["network": "10.0.0.0/24", "dhcp_nodes_in_pool": true, "dhcp_nodes_only": true])
        #expect(error?.message == "Invalid request: dhcp_nodes_in_pool and dhcp_nodes_only cannot both be set")
        h.network("net", "10.0.0.0/24", ["dhcp_nodes_in_pool": true])
        #expect(h.rejected("Network.update", "net", ["dhcp_nodes_only": "yes"]) != nil)
        h.ok("Network.update", "net", ["dhcp_nodes_in_pool": false, "dhcp_nodes_only": true])
        #expect(h.row(.network, "net")?["dhcp_nodes_only"] == .bool(true))
    }

    @Test func validRangeIsAccepted() {
        var h = Harness()
        h.ok(
            "Network.update", "net",
            [
                "network": "10.0.0.0/24", "gateway": "10.0.0.254", "dhcp": true, "dhcp_range_begin": "10.0.0.10",
                "dhcp_range_end": "10.0.0.100",
            ])
        #expect(h.string(.network, "net", "dhcp_range_begin") == "10.0.0.10")
    }

    @Test func renameMovesEveryMember() {
        var h = Harness.basic()
        h.node("n1")
        h.ok("Switch.update", "sw1", ["network": "cluster"])
        let outcome = h.ok("Network.update", "cluster", ["newnetname": "cluster2"])
        #expect(outcome == .changed("Network cluster renamed to cluster2 and updated"))
        #expect(h.row(.network, "cluster") == nil)
        #expect(h.row(.network, "cluster2") != nil)
        #expect(h.string(.nodeinterface, "n1/BOOTIF", "network") == "cluster2")
        #expect(h.string(.groupinterface, "compute/BOOTIF", "network") == "cluster2")
        #expect(h.string(.switch, "sw1", "network") == "cluster2")
        #expect(h.holder("10.141.0.1", on: "cluster2") == "n1/BOOTIF")
        #expect(h.holder("10.141.0.2", on: "cluster2") == "switch:sw1")
        #expect(h.taken(on: "cluster").isEmpty)
        // The next node lands on the renamed network, with the next address.
        h.node("n2")
        #expect(h.address("n2/BOOTIF") == "10.141.0.3")
        #expect(h.string(.nodeinterface, "n2/BOOTIF", "network") == "cluster2")
    }

    @Test func renameOntoAnExistingNetworkIsRefused() {
        var h = Harness.basic()
        h.network("other", "10.0.0.0/24")
        #expect(
            h.rejected("Network.update", "cluster", ["newnetname": "other"])?.message
                == "Invalid request: other already present in database")
    }

    @Test func deleteIsRefusedWhileInUse() {
        var h = Harness.basic()
        h.node("n1")
        let error = h.rejected("Network.delete", "cluster")
        #expect(error?.message == "Invalid request: network cluster is in use by n1/BOOTIF")
        h.ok("Node.delete", "n1")
        let group = h.rejected("Network.delete", "cluster")
        #expect(group?.message == "Invalid request: network cluster is in use by group interface compute/BOOTIF")
        h.ok("Group.interface.delete", "compute", ["interface": "BOOTIF"])
        #expect(h.ok("Network.delete", "cluster") == .removed("Network cluster removed"))
        #expect(h.row(.network, "cluster") == nil)
    }

    @Test func deleteOfAnUnknownNetworkIsNotFound() throws {
        var h = Harness()
        let outcome = try h.run("Network.delete", "nowhere")
        #expect(outcome == .rejected(.notFound("Network nowhere not present in database")))
    }

    /// An interface can sit on a network with its address cleared (`ipaddress: null`): it
    /// still names the network, so the network must not be deleted under it.
    @Test func deleteIsRefusedWhileAnInterfaceWithoutAddressNamesIt() {
        var h = Harness()
        h.network("cluster", "10.141.0.0/24")
        h.network("ipmi", "10.148.0.0/24")
        h.group("compute", interfaces: [("BOOTIF", "cluster")])
        h.node("n1")
        h.ok("Node.interfaces", "n1", ["interfaces": interfaces([["interface": "BMC", "network": "ipmi", "ipaddress": .null]])])
        #expect(h.string(.nodeinterface, "n1/BMC", "network") == "ipmi")
        #expect(h.address("n1/BMC") == nil)
        let error = h.rejected("Network.delete", "ipmi")
        #expect(error != nil, "network ipmi was deleted while n1/BMC still names it")
        #expect(h.row(.network, "ipmi") != nil)
    }

    @Test func changingTheRangeReallocatesMembersOutsideIt() {
        var h = Harness.basic()
        h.node("n1")
        h.node("n2")
        h.ok("Network.update", "cluster", ["network": "10.142.0.0/24"])
        #expect(h.address("n1/BOOTIF") == "10.142.0.1")
        #expect(h.address("n2/BOOTIF") == "10.142.0.2")
        #expect(h.taken(on: "cluster") == ["10.142.0.1", "10.142.0.2"])
    }

    /// A controller's address belongs to a real machine: it is never moved, so a range
    /// that would leave it outside is refused.
    @Test func aRangeThatLeavesAControllerOutsideIsRefused() {
        var h = Harness.basic()
        h.node("n1")
        h.ok("Controller.update", "ctl1", ["network": "cluster", "ipaddress": "10.141.0.254"])
        let error = h.rejected("Network.update", "cluster", ["network": "10.142.0.0/24"])
        #expect(error?.message.hasPrefix("Invalid request: controller ctl1 keeps 10.141.0.254 on network cluster") == true)
        #expect(h.address("n1/BOOTIF") == "10.141.0.1")
        #expect(h.string(.controller, "ctl1", "ipaddress") == "10.141.0.254")
    }

    @Test func shrinkingTheRangeMovesOnlyThoseOutside() {
        var h = Harness.basic()
        h.node("n1")
        h.node("n2")
        h.ok("Node.interfaces", "n2", ["interfaces": interfaces([["interface": "BOOTIF", "ipaddress": "10.141.0.200"]])])
        h.ok("Network.update", "cluster", ["network": "10.141.0.0/25"])
        #expect(h.address("n1/BOOTIF") == "10.141.0.1")
        #expect(h.address("n2/BOOTIF") == "10.141.0.2")
        #expect(h.holder("10.141.0.200", on: "cluster") == nil)
    }

    @Test func shrinkingBelowTheMemberCountIsRejectedWhole() {
        var h = Harness.basic()
        for index in 1...3 { h.node("n\(index)") }
        let error = h.rejected("Network.update", "cluster", ["network": "10.141.0.0/30"])
        #expect(error?.message == "Invalid request: network cluster has no free IPv4 address left")
        #expect(h.string(.network, "cluster", "network") == "10.141.0.0/24")
        #expect(h.address("n3/BOOTIF") == "10.141.0.3")
    }

    @Test func newGatewayOnAMemberAddressMovesTheMember() {
        var h = Harness.basic()
        h.node("n1")
        h.ok("Network.update", "cluster", ["gateway": "10.141.0.1"])
        #expect(h.address("n1/BOOTIF") == "10.141.0.2")
        #expect(h.holder("10.141.0.1", on: "cluster") == nil)
    }

    /// NetworkIntents.reallocate says holders that no longer fit a *new DHCP range* get the
    /// next free address; a node left inside the range collides with dynamic leases.
    @Test func newDhcpRangeOverAMemberAddressMovesTheMember() {
        var h = Harness.basic()
        h.node("n1")
        h.ok("Network.update", "cluster", ["dhcp": true, "dhcp_range_begin": "10.141.0.1", "dhcp_range_end": "10.141.0.100"])
        #expect(h.address("n1/BOOTIF") == "10.141.0.101")
    }

    @Test func addingIPv6ToANetworkGivesMembersIPv6() {
        var h = Harness.basic()
        h.node("n1")
        h.ok("Network.update", "cluster", ["network_ipv6": "fd00:141::/64"])
        #expect(h.address("n1/BOOTIF") == "10.141.0.1")
        #expect(h.address("n1/BOOTIF", v6: true) == "fd00:141::1")
    }
}
