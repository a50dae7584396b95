import LunaDomain
import LunaModel
import Testing

/// The forms a cluster request names controllers in: Luna's own, luna2's answer echoed
/// back, and luna2-cli's address changes (`cluster change --controller IP`).
struct ClusterControllerFormTests {
    static func pair() -> Harness {
        var harness = Harness()
        harness.ok("Network.update", "cluster", ["network": "10.141.0.0/16"])
        harness.ok("Network.update", "other", ["network": "10.150.0.0/16"])
        harness.ok(
            "Cluster.update", "cluster",
            [
                "name": "pair",
                "controller": [
                    "c-1": ["network": "cluster", "ipaddress": "10.141.255.254", "beacon": true],
                    "c-2": ["network": "cluster", "ipaddress": "10.141.255.253"],
                ],
            ])
        return harness
    }

    @Test func theBeaconControllersAddressChangesUnderController() {
        var harness = Self.pair()
        harness.ok("Cluster.update", "cluster", ["controller": "10.141.255.250"])
        #expect(harness.string(.controller, "c-1", "ipaddress") == "10.141.255.250")
        #expect(harness.string(.controller, "c-2", "ipaddress") == "10.141.255.253")
    }

    @Test func anotherControllerIsNamedWithUnderscoresAsTheCLISendsIt() {
        var harness = Self.pair()
        harness.ok("Cluster.update", "cluster", ["c_2": "10.141.255.240"])
        #expect(harness.string(.controller, "c-2", "ipaddress") == "10.141.255.240")
        harness.ok("Cluster.update", "cluster", ["c-2": "10.150.0.9", "controller_network": "other"])
        #expect(harness.string(.controller, "c-2", "network") == "other")
        #expect(harness.string(.controller, "c-2", "ipaddress") == "10.150.0.9")
    }

    @Test func badAddressesAndUnknownControllersAreRefusedWhole() {
        var harness = Self.pair()
        #expect(
            harness.rejected("Cluster.update", "cluster", ["controller": "10.150.0.1"])?.message.contains("not in the range")
                == true)
        #expect(
            harness.rejected("Cluster.update", "cluster", ["controller": "10.141.255.253"])?.message.contains("already in use")
                == true)
        #expect(
            harness.rejected("Cluster.update", "cluster", ["name": "renamed", "c9": "10.141.255.1"])?.message.contains(
                "no field or controller 'c9'") == true)
        #expect(harness.string(.cluster, "cluster", "name") == "pair", "nothing of a refused request is written")
        #expect(
            harness.rejected("Cluster.update", "cluster", ["controller": "10.141.1.1", "controller_network": "nonet"])?.message
                .contains("Network nonet does not exist") == true)
        #expect(Harness.refused("Cluster.update", "cluster", ["c9": "not-an-ip"])?.message.contains("has no field 'c9'") == true)
    }

    @Test func luna2sAnswerEchoedBackSetsTheBeaconController() {
        var harness = Self.pair()
        harness.ok(
            "Cluster.update", "cluster",
            [
                "controller": [
                    "hostname": "c-1", "luna_config": "/etc/luna/luna.ini", "vendor": "acme", "ipaddress": "10.141.255.254",
                ]
            ])
        #expect(harness.string(.controller, "c-1", "vendor") == "acme")
    }

    @Test func theViewShowsTheBeaconFlatAndTheOthersByHostname() throws {
        let harness = Self.pair()
        let cluster = try #require(ObjectView(state: harness.state, opener: nil).render(.cluster, "cluster", detail: true))
        #expect(cluster["controller"]?["hostname"] == "c-1")
        #expect(cluster["controller"]?["beacon"] == nil)
        #expect(cluster["c-2"]?["ipaddress"] == "10.141.255.253")
        #expect(cluster["name"] == "pair")
    }
}

/// luna2-cli's `network change NAME --<controller> IP`: a network renumbered with the
/// controllers on it, in one request.
struct NetworkRenumberTests {
    @Test func aNetworkIsRenumberedWithItsControllers() {
        var harness = ClusterControllerFormTests.pair()
        #expect(
            harness.rejected("Network.update", "cluster", ["network": "10.142.0.0/16"])?.message.contains(
                "controller c-1 keeps 10.141.255.254") == true)
        harness.ok(
            "Network.update", "cluster",
            ["network": "10.142.0.0/16", "controller": "10.142.255.254", "c_2": "10.142.255.253"])
        #expect(harness.string(.controller, "c-1", "ipaddress") == "10.142.255.254")
        #expect(harness.string(.controller, "c-2", "ipaddress") == "10.142.255.253")
        #expect(
            harness.rejected("Network.update", "other", ["controller": "10.150.0.5"])?.message.contains("not on network other")
                == true)
        #expect(
            Harness.refused("Network.update", "cluster", ["colour": "red"])?.message.contains("network has no field 'colour'")
                == true)
    }
}
