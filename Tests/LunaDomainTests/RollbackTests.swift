import LunaDomain
import LunaModel
import Testing

@Suite("Rollback and upgrade")
struct RollbackTests {
    /// Group compute: BOOTIF on cluster (/24), then ib0 on tiny (/30, two hosts).
    /// Group interfaces are inherited in key order: BOOTIF first, ib0 second.
    static func cluster() -> Harness {
        var h = Harness()
        h.network("cluster", "10.141.0.0/24")
        h.network("tiny", "10.0.0.0/30")
        h.group("compute", interfaces: [("BOOTIF", "cluster"), ("ib0", "tiny")])
        return h
    }

    @Test func nodeCreateWhoseSecondInterfaceFailsLeavesNothing() {
        var h = Self.cluster()
        h.node("n1")
        h.node("n2")
        #expect(h.taken(on: "tiny") == ["10.0.0.1", "10.0.0.2"])
        let error = h.rejected(
            "Node.update", "n3",
            ["group": "compute", "interfaces": interfaces([["interface": "BOOTIF", "macaddress": "52:54:00:00:00:03"]])])
        #expect(error?.message == "Invalid request: network tiny has no free IPv4 address left")
        #expect(h.row(.node, "n3") == nil)
        #expect(h.state.childKeys(.nodeinterface, of: "n3").isEmpty)
        #expect(h.row(.nodeinterface, "n3/BOOTIF") == nil)
        #expect(h.taken(on: "cluster") == ["10.141.0.1", "10.141.0.2"])
        #expect(h.state.macs["52:54:00:00:00:03"] == nil)
        #expect(h.state.groupMembers["compute"] == ["n1", "n2"])
    }

    @Test func nodeCreateFailingOnItsOwnSecondInterfaceLeavesNothing() {
        var h = Harness()
        h.network("cluster", "10.141.0.0/24")
        h.network("tiny", "10.0.0.0/30")
        h.group("compute", interfaces: [("BOOTIF", "cluster")])
        h.ok("Switch.update", "sw1", ["network": "tiny"])
        h.ok("Switch.update", "sw2", ["network": "tiny"])
        let error = h.rejected(
            "Node.update", "n1",
            [
                "group": "compute",
                "interfaces": interfaces([
                    ["interface": "eth1", "network": "cluster", "macaddress": "52:54:00:00:00:01"],
                    ["interface": "eth2", "network": "tiny"],
                ]),
            ])
        #expect(error?.message == "Invalid request: network tiny has no free IPv4 address left")
        #expect(h.row(.node, "n1") == nil)
        #expect(h.row(.nodeinterface, "n1/BOOTIF") == nil)
        #expect(h.row(.nodeinterface, "n1/eth1") == nil)
        #expect(h.taken(on: "cluster").isEmpty)
        #expect(h.state.macs.isEmpty)
        #expect(h.state.groupMembers["compute", default: []].isEmpty)
        // The addresses the rejected create had taken are given out again.
        h.node("n2")
        #expect(h.address("n2/BOOTIF") == "10.141.0.1")
    }

    @Test func rejectedRenameRestoresEverything() {
        var h = Harness.basic()
        h.node("n1", ["interfaces": interfaces([["interface": "BOOTIF", "macaddress": "52:54:00:00:00:01"]])])
        h.ok("Secret.node.update", "n1", ["secrets": .array([.object(["name": "s", "content": "c"])])])
        h.node("n2", ["interfaces": interfaces([["interface": "BOOTIF", "macaddress": "52:54:00:00:00:02"]])])
        // Rename n1, then fail on the MAC of n2: the rename is undone.
        let error = h.rejected(
            "Node.update", "n1",
            [
                "newnodename": "n9", "interfaces": interfaces([["interface": "eth1", "macaddress": "52:54:00:00:00:02"]]),
            ])
        #expect(error?.message == "Invalid request: MAC address 52:54:00:00:00:02 is already in use by n2/BOOTIF")
        #expect(h.row(.node, "n9") == nil)
        #expect(h.row(.node, "n1") != nil)
        #expect(h.holder("10.141.0.1", on: "cluster") == "n1/BOOTIF")
        #expect(h.state.macs["52:54:00:00:00:01"] == "n1/BOOTIF")
        #expect(h.row(.nodesecret, "n1/s") != nil)
        #expect(h.state.childKeys(.nodeinterface, of: "n9").isEmpty)
    }

    @Test func rejectedNetworkRenameRestoresMembers() {
        var h = Harness.basic()
        for index in 1...3 { h.node("n\(index)") }
        h.ok("Switch.update", "sw1", ["network": "cluster"])
        // The rename moves every member (rehome), then the smaller range cannot hold them.
        let error = h.rejected("Network.update", "cluster", ["newnetname": "cluster2", "network": "10.141.0.0/30"])
        #expect(error?.message == "Invalid request: network cluster2 has no free IPv4 address left")
        #expect(h.row(.network, "cluster2") == nil)
        #expect(h.string(.network, "cluster", "network") == "10.141.0.0/24")
        #expect(h.string(.nodeinterface, "n1/BOOTIF", "network") == "cluster")
        #expect(h.string(.groupinterface, "compute/BOOTIF", "network") == "cluster")
        #expect(h.holder("10.141.0.1", on: "cluster") == "n1/BOOTIF")
        #expect(h.holder("10.141.0.4", on: "cluster") == "switch:sw1")
        #expect(h.taken(on: "cluster2").isEmpty)
    }

    @Test func stateWorksNormallyAfterARejection() {
        var h = Self.cluster()
        h.node("n1")
        h.node("n2")
        _ = h.rejected("Node.update", "n3", ["group": "compute"])
        // A later, successful intent is recorded as usual, and a later rejection undoes
        // only its own changes.
        h.ok("Network.update", "tiny", ["network": "10.0.0.0/29"])
        h.node("n3")
        #expect(h.address("n3/ib0") == "10.0.0.3")
        h.node("n4")
        h.node("n5")
        h.node("n6")
        let error = h.rejected("Node.update", "n7", ["group": "compute"])
        #expect(error?.message == "Invalid request: network tiny has no free IPv4 address left")
        #expect(h.row(.node, "n6") != nil)
    }

    // MARK: Events this build cannot apply

    @Test func unknownIntentNeedsAnUpgrade() {
        var h = Harness.basic()
        h.node("n1")
        let before = Snapshot(h.state)
        let result = IntentRegistry.current.apply(h.event("Node.teleport", "n1", .object([:])), to: &h.state)
        guard case .upgradeNeeded(let text) = result else {
            Issue.record("expected upgradeNeeded, got \(result)")
            return
        }
        #expect(text.contains("Node.teleport"))
        #expect(text.contains("c1:\(h.seq)"))
        #expect(Snapshot(h.state) == before)
    }

    @Test func newerIntentVersionNeedsAnUpgrade() {
        var h = Harness.basic()
        let before = Snapshot(h.state)
        let result = IntentRegistry.current.apply(
            h.event("Node.update", "n1", .object(["group": "compute"]), version: 2), to: &h.state)
        guard case .upgradeNeeded(let text) = result else {
            Issue.record("expected upgradeNeeded, got \(result)")
            return
        }
        #expect(text.contains("version 2"))
        #expect(Snapshot(h.state) == before)
        #expect(h.row(.node, "n1") == nil)
        // Version 1 of the same event applies.
        #expect(
            IntentRegistry.current.apply(h.event("Node.update", "n1", .object(["group": "compute"])), to: &h.state)
                == .applied(.created("Node n1 created successfully")))
    }

    @Test func newerRecordFormatNeedsAnUpgrade() {
        var h = Harness.basic()
        let before = Snapshot(h.state)
        let result = IntentRegistry.current.apply(
            h.event("Node.update", "n1", .object(["group": "compute"]), format: Event.currentFormat + 1), to: &h.state)
        if case .upgradeNeeded = result {} else { Issue.record("expected upgradeNeeded, got \(result)") }
        #expect(Snapshot(h.state) == before)
    }

    @Test func payloadThatIsNotAnObjectIsRejected() {
        var h = Harness.basic()
        let before = Snapshot(h.state)
        let result = IntentRegistry.current.apply(h.event("Node.update", "n1", .array([])), to: &h.state)
        #expect(result == .applied(.rejected(.invalid("Invalid request: the payload of event c1:\(h.seq) is not an object"))))
        #expect(Snapshot(h.state) == before)
    }

    @Test func everyHandlerIsRegisteredAtItsVersion() {
        let expected = [
            "Cluster.update", "Controller.update", "Network.update", "Network.delete",
            "OSImage.update", "OSImage.clone", "OSImage.delete", "OSImage.tag", "OSImage.tag.delete",
            "OSImage.packing", "OSImage.packed", "OSImage.packFailed", "BMCSetup.update", "BMCSetup.clone", "BMCSetup.delete",
            "Switch.update", "Switch.clone", "Switch.delete",
            "OtherDev.update", "OtherDev.clone", "OtherDev.delete",
            "Group.update", "Group.clone", "Group.delete", "Group.interfaces", "Group.interface.delete",
            "Node.update", "Node.clone", "Node.delete", "Node.interfaces", "Node.interface.delete",
            "Rack.update", "Rack.clone", "Rack.delete", "Rack.inventory.update", "Rack.inventory.delete",
            "Secret.node.update", "Secret.node.clone", "Secret.node.delete",
            "Secret.group.update", "Secret.group.clone", "Secret.group.delete", "Cluster.master",
            "Cloud.update", "Cloud.delete", "Route.update", "Route.delete", "Route.couple", "Route.decouple",
            "DNS.update", "DNS.delete", "Cluster.import", "OSUser.update", "OSUser.delete", "OSGroup.update",
            "OSGroup.delete", "Node.discover", "Node.installState", "Node.registerTPM", "Plugin.put", "Plugin.delete",
            "Control.audit", "Switch.portsSeen", "Controller.remove", "Controller.readmit",
        ]
        #expect(Set(IntentRegistry.current.handlers.keys) == Set(expected))
        // Cluster.update 2: controllers inside the cluster; 3: luna2's controller forms.
        // Controller.update 2: the shadow rules. Secret clones 2: their own path and content.
        // OSImage.update 2: `tag` set by an update. Rack.inventory.update 2: many items at once.
        // Network.update 2: controllers' addresses in the same request. OSImage.packed 2: the
        // archive's torrent among the files. BMCSetup.update 2: protocol, authmode, verifycert.
        // Switch.update 2: SNMP v3. Control.audit 2: a power action's nodes show it as their state.
        let newer = [
            "Cluster.update": 3, "Controller.update": 2, "Secret.node.clone": 2, "Secret.group.clone": 2, "OSImage.update": 2,
            "Rack.inventory.update": 2, "Network.update": 2, "OSImage.packed": 2, "BMCSetup.update": 2, "Switch.update": 2,
            "Control.audit": 2,
        ]
        #expect(IntentRegistry.current.handlers.values.allSatisfy { $0.version == newer[$0.name] ?? 1 })
    }
}

/// The state's revision rises with every change of a row, whatever makes it.
struct RevisionTests {
    @Test func everyChangeRaisesTheRevision() {
        var h = Harness.basic()
        var last = h.state.revision
        func rose(_ what: String, _ state: ClusterState) {
            #expect(state.revision > last, "\(what)")
            last = state.revision
        }
        h.ok("Node.update", "n1", ["group": "compute"])
        rose("a write", h.state)
        _ = h.rejected("Node.update", "n2", ["group": "nosuchgroup"])
        rose("a rollback", h.state)
        var other = ClusterState()
        other.replace(with: h.state)
        #expect(other.revision > h.state.revision, "a replace passes both")
        let payload = try? Harness.prepare("Node.update", "n3", ["group": "compute"])
        _ = IntentRegistry.current.apply(h.event("Node.update", "n3", payload ?? [:]), to: &h.state, tentative: true)
        rose("a tentative write", h.state)
        h.state.undoTentative()
        rose("an undo", h.state)
    }
}
