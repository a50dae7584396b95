import LunaDomain
import LunaModel
import Testing

@Suite("Devices, racks, secrets and cluster settings")
struct DeviceAndSecretTests {
    @Test func switchGetsAnAddressAndKeepsItsMacUnique() {
        var h = Harness.basic()
        #expect(
            h.ok("Switch.update", "sw1", ["network": "cluster", "macaddress": "AA-BB-CC-00-00-01"])
                == .created("Switch sw1 created successfully"))
        #expect(h.string(.switch, "sw1", "ipaddress") == "10.141.0.1")
        #expect(h.string(.switch, "sw1", "macaddress") == "aa:bb:cc:00:00:01")
        let error = h.rejected("OtherDev.update", "pdu1", ["macaddress": "aa:bb:cc:00:00:01"])
        #expect(error?.message == "Invalid request: MAC address aa:bb:cc:00:00:01 is already in use by switch:sw1")
        #expect(
            h.rejected("Switch.update", "sw2", ["ipaddress": "10.141.0.9"])?.message
                == "Invalid request: an ipaddress needs a network")
    }

    @Test func switchCloneGetsANewAddressAndNoMac() {
        var h = Harness.basic()
        h.ok("Switch.update", "sw1", ["network": "cluster", "macaddress": "aa:bb:cc:00:00:01", "vendor": "acme"])
        #expect(h.ok("Switch.clone", "sw1", ["newswitchname": "sw2"]) == .created("Switch sw1 cloned as sw2 successfully"))
        #expect(h.string(.switch, "sw2", "ipaddress") == "10.141.0.2")
        #expect(h.string(.switch, "sw2", "macaddress") == nil)
        #expect(h.string(.switch, "sw2", "vendor") == "acme")
    }

    @Test func switchRenameUpdatesNodesAndMovesTheAddress() {
        var h = Harness.basic()
        h.ok("Switch.update", "sw1", ["network": "cluster"])
        h.node("n1", ["switch": "sw1", "switchport": "7"])
        #expect(h.rejected("Switch.delete", "sw1")?.message == "Invalid request: switch sw1 currently in use by n1")
        h.ok("Switch.update", "sw1", ["newswitchname": "core1"])
        #expect(h.string(.node, "n1", "switch") == "core1")
        #expect(h.holder("10.141.0.1", on: "cluster") == "switch:core1")
        h.ok("Node.update", "n1", ["switch": .null])
        #expect(h.ok("Switch.delete", "core1") == .removed("Switch core1 removed"))
        #expect(h.holder("10.141.0.1", on: "cluster") == nil)
        #expect(h.taken(on: "cluster") == ["10.141.0.2"])  // n1's BOOTIF
    }

    @Test func controllerTakesTheAddressItAsksFor() {
        var h = Harness.basic()
        #expect(
            h.ok("Controller.update", "ctl1", ["network": "cluster", "ipaddress": "10.141.0.254", "serverport": 7050])
                == .created("Controller ctl1 created"))
        #expect(h.holder("10.141.0.254", on: "cluster") == "controller:ctl1")
        h.node("n1")
        #expect(h.address("n1/BOOTIF") == "10.141.0.1")
    }

    @Test func rackPlacementRefusesOverlaps() {
        var h = Harness.basic()
        h.node("n1")
        h.node("n2")
        h.ok("Rack.update", "r1", ["size": 10])
        h.ok(
            "Rack.inventory.update", "inventory",
            ["items": [["rack": "r1", "name": "n1", "type": "node", "position": 1, "height": 2]]])
        let overlap = h.rejected(
            "Rack.inventory.update", "inventory", ["items": [["rack": "r1", "name": "n2", "type": "node", "position": 2]]])
        #expect(overlap?.message == "Invalid request: units 2-2 of rack r1 (front) are taken by node:n1")
        h.ok(
            "Rack.inventory.update", "inventory",
            ["items": [["rack": "r1", "name": "n2", "type": "node", "position": 2, "orientation": "back"]]])
        let tooHigh = h.rejected(
            "Rack.inventory.update", "inventory",
            ["items": [["rack": "r1", "name": "n2", "type": "node", "position": 10, "height": 2]]])
        #expect(tooHigh?.message == "Invalid request: n2 at position 10 with height 2 does not fit in rack r1 of 10 units")
        #expect(
            Harness.refused("Rack.update", "r2", ["size": 101])?.message
                == "Invalid request: field size must be a whole number from 1 to 100, not 101")
        #expect(
            h.rejected(
                "Rack.inventory.update", "inventory", ["items": [["rack": "r1", "name": "n7", "type": "node", "position": 5]]])?
                .message
                == "Invalid request: node n7 is not known or valid")
    }

    @Test func secretsAreSealedAndNeedContent() throws {
        var h = Harness.basic()
        h.node("n1")
        let payload = try Harness.prepare(
            "Secret.node.update", "n1", ["secrets": .array([.object(["name": "ssh", "content": "clear"])])])
        #expect(payload["secrets"]?.arrayValue?.first?["content"] == "sealed:clear")
        #expect(
            h.ok("Secret.node.update", "n1", ["secrets": .array([.object(["name": "ssh", "content": "clear"])])])
                == .created("Node n1 Secret created"))
        #expect(h.string(.nodesecret, "n1/ssh", "content") == "sealed:clear")
        #expect(
            h.rejected("Secret.node.update", "n1", ["secrets": .array([.object(["name": "new", "path": "/x"])])])?.message
                == "Invalid request: secret new needs content")
        #expect(
            try h.run("Secret.node.update", "n9", ["secrets": .array([.object(["name": "a", "content": "b"])])])
                == .rejected(.notFound("Node n9 is not available")))
        #expect(
            h.ok("Secret.node.clone", "n1", ["secret": "ssh", "newsecretname": "ssh2"])
                == .created("Node n1 Secret ssh Cloned to ssh2."))
        #expect(h.string(.nodesecret, "n1/ssh2", "content") == "sealed:clear")
        #expect(h.string(.nodesecret, "n1/ssh2", "name") == "ssh2")
        #expect(h.ok("Secret.node.delete", "n1", ["secret": "ssh"]) == .removed("Node n1 Secret ssh removed"))
        #expect(h.row(.nodesecret, "n1/ssh") == nil)
        #expect(Harness.refused("Secret.node.update", "n1", [:])?.message == "Invalid request: a list of secrets is required")
    }

    @Test func clusterUpdate() {
        var h = Harness()
        #expect(h.ok("Cluster.update", "cluster", ["name": "hpc", "debug": "no"]) == .created("Cluster created"))
        #expect(h.row(.cluster, "cluster")?["debug"] == .bool(false))
        #expect(h.ok("Cluster.update", "cluster", ["debug": true]) == .changed("Cluster updated"))
        #expect(
            Harness.refused("Cluster.update", "cluster", ["colour": "red"])?.message
                == "Invalid request: Columns are incorrect: cluster has no field 'colour'")
    }

    @Test func osimageRenameMovesTagsAndReferences() {
        var h = Harness()
        h.ok("OSImage.update", "rocky9", ["kernelfile": "vmlinuz-5"])
        h.ok("OSImage.tag", "rocky9", ["tag": "v1"])
        h.ok("Group.update", "compute", ["osimage": "rocky9", "osimagetag": "v1"])
        #expect(
            h.ok("OSImage.update", "rocky9", ["newosimage": "rocky95"])
                == .changed("OS Image rocky9 renamed to rocky95 and updated"))
        #expect(h.string(.group, "compute", "osimage") == "rocky95")
        #expect(h.string(.osimagetag, "rocky95/v1", "kernelfile") == "vmlinuz-5")
        #expect(h.row(.osimagetag, "rocky9/v1") == nil)
    }
}
