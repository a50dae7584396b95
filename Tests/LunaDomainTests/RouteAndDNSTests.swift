import LunaDomain
import LunaModel
import Testing

/// The route catalogue and its couplings, and a network's extra DNS records.
struct RouteAndDNSTests {
    static func withRoute() -> Harness {
        var harness = Harness.basic()
        harness.ok("Node.update", "n1", ["group": "compute"])
        harness.ok("Route.update", "storage", ["destination": "10.200.0.0/16", "gateway": "10.141.0.1", "metric": "50"])
        return harness
    }

    @Test func aRouteNeedsADestinationAndANextHopOfItsFamily() {
        var harness = Harness.basic()
        #expect(
            harness.rejected("Route.update", "r", ["gateway": "10.1.1.1"])?.message.contains("destination is required") == true)
        #expect(harness.rejected("Route.update", "r", ["destination": "10.200.0.0/16"])?.message.contains("gateway") == true)
        #expect(
            harness.rejected("Route.update", "r", ["destination": "fd00::/64", "gateway": "10.1.1.1"])?.message.contains(
                "does not match") == true)
        #expect(Harness.refused("Route.update", "r", ["destination": "10.0.0.0/8", "device": "eth0", "colour": "red"]) != nil)
        harness.ok("Route.update", "r", ["destination": "10.0.0.0/8", "device": "eth0"])
        #expect(harness.row(.route, "r")?["device"] == "eth0")
    }

    @Test func couplingListsTheRouteOnItsTargetAndBlocksTheDelete() {
        var harness = Self.withRoute()
        #expect(
            harness.ok("Route.couple", "storage", ["tableref": "group", "target": "compute"])
                == .created(
                    "Route storage coupled to group compute"))
        harness.ok("Route.couple", "storage", ["tableref": "node", "target": "n1"])
        #expect(harness.string(.group, "compute", "routes") == "storage")
        let shown = ObjectView(state: harness.state, opener: nil).render(.route, "storage", detail: true)
        #expect(shown?["assigned"] == "group/compute,node/n1")
        #expect(harness.rejected("Route.delete", "storage")?.message.contains("in use by group/compute") == true)
        harness.ok("Route.update", "storage", ["newname": "nas"])
        #expect(harness.string(.node, "n1", "routes") == "nas", "a rename follows into every coupling")
        harness.ok("Route.decouple", "nas", ["tableref": "group", "target": "compute"])
        harness.ok("Route.decouple", "nas", ["tableref": "node", "target": "n1"])
        #expect(harness.row(.node, "n1")?["routes"] == nil)
        #expect(harness.rejected("Route.decouple", "nas", ["tableref": "node", "target": "n1"])?.kind == .notFound)
        #expect(harness.rejected("Route.couple", "nas", ["tableref": "node", "target": "n9"])?.kind == .notFound)
        #expect(Harness.refused("Route.couple", "nas", ["tableref": "rack", "target": "r1"]) != nil)
        harness.ok("Route.delete", "nas")
    }

    @Test func dnsEntriesAreUpsertedByHostAndGoWithTheirNetwork() {
        var harness = Harness.basic()
        harness.ok("DNS.update", "cluster", ["entries": [["host": "nas", "ipaddress": "10.141.0.200"]]])
        harness.ok("DNS.update", "cluster", ["entries": [["host": "nas", "ipaddress": "fd00::5"]]])
        #expect(harness.row(.dns, "cluster/nas") == ["host": "nas", "ipaddress": "10.141.0.200", "ipaddress_ipv6": "fd00::5"])
        #expect(Harness.refused("DNS.update", "cluster", ["entries": [["host": "Bad_Host", "ipaddress": "10.1.1.1"]]]) != nil)
        #expect(Harness.refused("DNS.update", "cluster", ["entries": [["host": "nas"]]]) != nil)
        #expect(
            harness.rejected("DNS.update", "nonet", ["entries": [["host": "a", "ipaddress": "10.1.1.1"]]])?.kind == .notFound)
        harness.ok("Network.update", "cluster", ["newnetname": "main"])
        #expect(harness.row(.dns, "main/nas") != nil, "a rename moves the records")
        #expect(harness.ok("DNS.delete", "main", ["host": "nothere"]) == .removed("DNS entry nothere of network main removed"))
        harness.ok("Group.delete", "compute")
        harness.ok("Network.delete", "main")
        #expect(harness.state.keys(.dns).isEmpty)
    }
}
