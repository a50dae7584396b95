import LunaDomain
import LunaModel
import Testing

@Suite("Discovery, install states and TPM registration")
struct DiscoveryTests {
    /// Group compute with BOOTIF on cluster; nodes n001 (MAC …:01) and n002 (no MAC).
    static func cluster(_ flags: Row = [:]) -> Harness {
        var h = Harness.basic()
        h.ok("Cluster.update", "cluster", flags)
        h.node("n001", ["interfaces": interfaces([["interface": "BOOTIF", "macaddress": "52:54:00:00:00:01"]])])
        h.node("n002")
        return h
    }

    static func discover(_ mac: String, time: Int = 1) -> Row { ["mac": .string(mac), "time": .int(time)] }

    @Test func macsAreAcceptedInEveryCommonFormAndStoredOneWay() {
        for form in ["52:54:00:AB:cd:01", "52-54-00-ab-cd-01", "5254.00ab.cd01", "525400abcd01"] {
            #expect(MACAddress.parse(form) == "52:54:00:ab:cd:01", "\(form)")
        }
        for bad in ["52:54:00:ab:cd", "52:54:00:ab:cd:0g", "5254.00ab.cd0", "", "52:54:00:ab:cd:01:02"] {
            #expect(MACAddress.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func aKnownMACIsItsNode() {
        let h = Self.cluster()
        #expect(DiscoveryChoice.forMAC("52:54:00:00:00:01", in: h.state) == .known("n001"))
    }

    @Test func anUnknownMACFindsNothingUnlessTheClusterDiscovers() {
        #expect(DiscoveryChoice.forMAC("52:54:00:00:00:09", in: Self.cluster().state) == .none)
        let discovering = Self.cluster(["nextnode_discover": true])
        #expect(DiscoveryChoice.forMAC("52:54:00:00:00:09", in: discovering.state) == .bind("n002"))
    }

    @Test func onDemandNodesAreNamedAfterTheLastOrAfterTheMAC() {
        var h = Self.cluster(["createnode_ondemand": true])
        h.ok("Node.discover", "n002", Self.discover("52:54:00:00:00:02"))
        #expect(DiscoveryChoice.forMAC("52:54:00:00:00:09", in: h.state) == .create("n003", group: "compute"))
        h.ok("Cluster.update", "cluster", ["createnode_macashost": true])
        #expect(DiscoveryChoice.forMAC("52:54:00:00:00:09", in: h.state) == .create("52-54-00-00-00-09", group: "compute"))
    }

    @Test func aGroupGivesItsNodeWithTheMACThenItsNextFreeNodeThenANewOne() throws {
        var h = Self.cluster()
        #expect(try DiscoveryChoice.inGroup("compute", mac: "52:54:00:00:00:01", in: h.state) == .known("n001"))
        #expect(try DiscoveryChoice.inGroup("compute", mac: "52:54:00:00:00:07", in: h.state) == .bind("n002"))
        h.ok("Node.discover", "n002", Self.discover("52:54:00:00:00:07"))
        #expect(
            try DiscoveryChoice.inGroup("compute", mac: "52:54:00:00:00:08", in: h.state) == .create("n003", group: "compute"))
        #expect(throws: LunaError.notFound("Group nope not present in database")) {
            try DiscoveryChoice.inGroup("nope", mac: "52:54:00:00:00:08", in: h.state)
        }
    }

    @Test func bindingAMACMovesItFromTheNodeThatHadIt() {
        var h = Self.cluster()
        h.ok("Node.discover", "n002", Self.discover("52-54-00-00-00-01", time: 42))
        #expect(h.string(.nodeinterface, "n002/BOOTIF", "macaddress") == "52:54:00:00:00:01")
        #expect(h.string(.nodeinterface, "n001/BOOTIF", "macaddress") == nil)
        #expect(h.state.macs["52:54:00:00:00:01"] == "n002/BOOTIF")
        #expect(h.string(.node, "n002", "status") == "install.discovered")
        #expect(h.row(.node, "n002")?["status_time"] == .int(42))
    }

    @Test func aMACHeldByADeviceIsNotTakenByDiscovery() {
        var h = Self.cluster()
        h.ok("Switch.update", "sw1", ["macaddress": "52:54:00:00:00:05"])
        #expect(
            h.rejected("Node.discover", "n002", Self.discover("52:54:00:00:00:05"))?.message
                == "Invalid request: MAC address 52:54:00:00:00:05 belongs to switch:sw1, not to a node")
    }

    /// Two controllers bind one MAC to different nodes at once; applied in the one
    /// order every controller uses, both end with the later binding only.
    @Test func concurrentDiscoveriesOfOneMACConvergeToOneBinding() {
        let base = Self.cluster()
        var first = base
        var second = base
        let a = first.event("Node.discover", "n001", .object(Self.discover("52:54:00:00:00:09")))
        let b = first.event("Node.discover", "n002", .object(Self.discover("52:54:00:00:00:09")))
        for event in [a, b] {
            _ = IntentRegistry.current.apply(event, to: &first.state)
            _ = IntentRegistry.current.apply(event, to: &second.state)
        }
        #expect(Snapshot(first.state) == Snapshot(second.state))
        #expect(first.state.macs["52:54:00:00:00:09"] == "n002/BOOTIF")
        let holders = first.state.rows(.nodeinterface).filter { $0.value["macaddress"] == "52:54:00:00:00:09" }
        #expect(holders.keys.sorted() == ["n002/BOOTIF"])
    }

    @Test func installStatesAreRecordedWithTheirTime() {
        var h = Self.cluster()
        h.ok("Node.installState", "n001", ["state": "install.download", "time": 7])
        #expect(h.string(.node, "n001", "status") == "install.download")
        #expect(h.row(.node, "n001")?["status_time"] == .int(7))
        #expect(Harness.refused("Node.installState", "n001", ["state": "bad\u{1}state", "time": 7]) != nil)
        #expect(Harness.refused("Node.installState", "n001", ["state": "install.download"]) != nil)
        #expect(h.rejected("Node.installState", "n009", ["state": "install.download", "time": 7])?.message == "n009 not found")
    }

    @Test func theFirstTPMHashIsKeptAndADifferentOneRefused() {
        var h = Self.cluster()
        let hash = String(repeating: "ab", count: 32)
        h.ok("Node.registerTPM", "n001", ["tpm_sha256": .string(hash.uppercased())])
        #expect(h.string(.node, "n001", "tpm_sha256") == hash)
        h.ok("Node.registerTPM", "n001", ["tpm_sha256": .string(hash)])
        let error = h.rejected("Node.registerTPM", "n001", ["tpm_sha256": .string(String(repeating: "cd", count: 32))])
        #expect(error == LunaError(.forbidden, "invalid TPM information: node n001 has another TPM registered"))
        #expect(Harness.refused("Node.registerTPM", "n001", ["tpm_sha256": "abc"]) != nil)
    }

    @Test func secretPathsMustBeAbsoluteWithoutStepsOut() {
        for path in ["../../etc/shadow", "etc/shadow", "/etc/../shadow", "/"] {
            let error = Harness.refused(
                "Secret.node.update", "n001", ["secrets": .array([["name": "k", "path": .string(path)]])])
            #expect(error?.message.contains("must be an absolute file path without '..'") == true, "\(path)")
        }
    }

    @Test func sitePluginsAreCheckedAndCarriedWhole() {
        var h = Self.cluster()
        h.ok("Plugin.put", "boot/network/redhat9.sh", ["content": "#@ segment init\n:\n"])
        #expect(h.string(.plugin, "boot/network/redhat9.sh", "content") == "#@ segment init\n:\n")
        for path in ["../x.sh", "boot/../x.sh", "x.sh", "boot/.hidden.sh", "boot//x.sh"] {
            #expect(Harness.refused("Plugin.put", path, ["content": "x"]) != nil, "\(path)")
        }
        #expect(Harness.refused("Plugin.put", "boot/x.sh", ["content": "a\u{0}b"]) != nil)
        h.ok("Plugin.delete", "boot/network/redhat9.sh")
        #expect(h.row(.plugin, "boot/network/redhat9.sh") == nil)
    }
}
