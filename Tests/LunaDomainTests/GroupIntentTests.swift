import LunaDomain
import LunaModel
import Testing

@Suite("Group intents")
struct GroupIntentTests {
    static func cluster() -> Harness {
        var h = Harness()
        h.network("cluster", "10.141.0.0/24")
        h.network("ipmi", "10.148.0.0/24")
        h.network("ib", "10.149.0.0/24")
        return h
    }

    @Test func createWithInterfaces() {
        var h = Self.cluster()
        let outcome = h.ok(
            "Group.update", "compute", ["interfaces": interfaces([["interface": "BOOTIF", "network": "cluster"]])])
        #expect(outcome == .created("Group compute created successfully, Interface BOOTIF created"))
        #expect(h.string(.groupinterface, "compute/BOOTIF", "network") == "cluster")
        // Group interfaces hold no addresses.
        #expect(h.taken(on: "cluster").isEmpty)
        #expect(
            Harness.refused(
                "Group.update", "g", ["interfaces": interfaces([["interface": "BOOTIF", "ipaddress": "10.141.0.1"]])])?.message
                == "Invalid request: Columns are incorrect: interface has no field 'ipaddress'")
    }

    @Test(arguments: ["com pute", "g;ls", "g$x", "g/1", "default", ""])
    func badGroupNamesAreRefused(name: String) {
        #expect(Harness.refused("Group.update", name, [:])?.message.hasPrefix("Invalid request: field name with content") == true)
    }

    @Test func groupNamesMayHaveUppercaseAndUnderscore() throws {
        _ = try Harness.prepare("Group.update", "GPU_nodes-2", [:])
    }

    @Test func deleteIsRefusedWhileItHasMembers() {
        var h = Harness.basic()
        h.node("n1")
        h.node("n2")
        let error = h.rejected("Group.delete", "compute")
        #expect(error?.message == "Invalid request: group compute currently in use by n1, n2")
        h.ok("Node.delete", "n1")
        h.ok("Node.delete", "n2")
        h.ok("Secret.group.update", "compute", ["secrets": .array([.object(["name": "s", "content": "c"])])])
        #expect(h.ok("Group.delete", "compute") == .removed("Group compute removed"))
        #expect(h.row(.group, "compute") == nil)
        #expect(h.row(.groupinterface, "compute/BOOTIF") == nil)
        #expect(h.row(.groupsecret, "compute/s") == nil)
    }

    @Test func deleteOfAnUnknownGroupIsNotFound() throws {
        var h = Harness()
        #expect(try h.run("Group.delete", "nope") == .rejected(.notFound("Group nope not present in database")))
    }

    @Test func bmcsetupRequiresABMCInterface() {
        var h = Self.cluster()
        h.ok("BMCSetup.update", "ipmi-default", ["username": "admin", "password": "hunter2"])
        #expect(h.string(.bmcsetup, "ipmi-default", "password") == "sealed:hunter2")
        let error = h.rejected("Group.update", "compute", ["bmcsetupname": "ipmi-default"])
        #expect(error?.message == "Invalid request: using a bmcsetup requires a BMC interface in group compute")
        #expect(h.row(.group, "compute") == nil)
        h.ok(
            "Group.update", "compute",
            ["bmcsetupname": "ipmi-default", "interfaces": interfaces([["interface": "BMC", "network": "ipmi"]])])
        #expect(h.string(.group, "compute", "bmcsetupname") == "ipmi-default")
        // The BMC interface cannot go while the bmcsetup stays.
        let delete = h.rejected("Group.interface.delete", "compute", ["interface": "BMC"])
        #expect(delete?.message == "Invalid request: using a bmcsetup requires a BMC interface in group compute")
        #expect(h.row(.groupinterface, "compute/BMC") != nil)
    }

    /// Null clears a field: once the bmcsetup is cleared, the BMC interface may go.
    @Test func clearingTheBmcsetupLetsTheBMCInterfaceGo() {
        var h = Self.cluster()
        h.ok("BMCSetup.update", "ipmi-default", ["username": "admin"])
        h.ok(
            "Group.update", "compute",
            ["bmcsetupname": "ipmi-default", "interfaces": interfaces([["interface": "BMC", "network": "ipmi"]])])
        h.ok("Group.update", "compute", ["bmcsetupname": .null])
        #expect(h.row(.group, "compute")?.keys.contains("bmcsetupname") == false)
        h.ok("Group.interface.delete", "compute", ["interface": "BMC"])
        #expect(h.row(.groupinterface, "compute/BMC") == nil)
    }

    @Test func bmcsetupMustExist() {
        var h = Self.cluster()
        let error = h.rejected(
            "Group.update", "compute",
            ["bmcsetupname": "nope", "interfaces": interfaces([["interface": "BMC", "network": "ipmi"]])])
        #expect(error?.message == "Invalid request: bmcsetup nope is not known or valid")
    }

    @Test func setupbmcRequiresABmcsetup() {
        var h = Self.cluster()
        let error = h.rejected("Group.update", "compute", ["setupbmc": true])
        #expect(error?.message == "Invalid request: enabling setupbmc requires a bmcsetup in group compute")
        h.ok("Group.update", "compute", ["setupbmc": false])
        #expect(
            h.rejected("Group.update", "compute", ["setupbmc": "yes"])?.message
                == "Invalid request: enabling setupbmc requires a bmcsetup in group compute")
        #expect(h.row(.group, "compute")?["setupbmc"] == .bool(false))
    }

    @Test func addingAGroupInterfaceCascadesToMembers() {
        var h = Harness.basic()
        h.node("n1")
        h.node("n2")
        let unknown = h.rejected(
            "Group.interfaces", "compute", ["interfaces": interfaces([["interface": "ib0", "network": "ib"]])])
        #expect(unknown?.message == "Invalid request: network ib is not known or valid")
        h.network("ib", "10.149.0.0/24")
        #expect(
            h.ok("Group.interfaces", "compute", ["interfaces": interfaces([["interface": "ib0", "network": "ib"]])])
                == .changed("Group compute interfaces updated"))
        #expect(h.address("n1/ib0") == "10.149.0.1")
        #expect(h.address("n2/ib0") == "10.149.0.2")
        #expect(h.string(.nodeinterface, "n1/ib0", "network") == "ib")
        // A node created now gets it too.
        h.node("n3")
        #expect(h.address("n3/ib0") == "10.149.0.3")
    }

    @Test func addingAGroupInterfaceThroughUpdateCascades() {
        var h = Harness.basic()
        h.node("n1")
        h.network("ipmi", "10.148.0.0/24")
        h.ok("Group.update", "compute", ["interfaces": interfaces([["interface": "BMC", "network": "ipmi"]])])
        #expect(h.address("n1/BMC") == "10.148.0.1")
    }

    @Test func cascadeThatRunsOutOfAddressesChangesNothing() {
        var h = Harness.basic()
        h.network("tiny", "10.0.0.0/30")
        for index in 1...3 { h.node("n\(index)") }
        let error = h.rejected(
            "Group.interfaces", "compute", ["interfaces": interfaces([["interface": "eth9", "network": "tiny"]])])
        #expect(error?.message == "Invalid request: network tiny has no free IPv4 address left")
        #expect(h.row(.groupinterface, "compute/eth9") == nil)
        #expect(h.row(.nodeinterface, "n1/eth9") == nil)
        #expect(h.taken(on: "tiny").isEmpty)
    }

    @Test func movingAGroupInterfaceToAnotherNetworkMovesMembers() {
        var h = Self.cluster()
        h.group("compute", interfaces: [("BOOTIF", "cluster")])
        h.node("n1")
        h.node("n2")
        h.ok("Group.interfaces", "compute", ["interfaces": interfaces([["interface": "BOOTIF", "network": "ib"]])])
        #expect(h.string(.nodeinterface, "n1/BOOTIF", "network") == "ib")
        #expect(h.address("n1/BOOTIF") == "10.149.0.1")
        #expect(h.address("n2/BOOTIF") == "10.149.0.2")
        #expect(h.taken(on: "cluster").isEmpty)
    }

    @Test func renamingAGroupInterfaceRenamesMemberInterfaces() {
        var h = Harness.basic()
        h.node("n1")
        h.ok("Group.interfaces", "compute", ["interfaces": interfaces([["interface": "BOOTIF", "newinterfacename": "eth0"]])])
        #expect(h.row(.groupinterface, "compute/BOOTIF") == nil)
        #expect(h.row(.groupinterface, "compute/eth0") != nil)
        #expect(h.row(.nodeinterface, "n1/BOOTIF") == nil)
        #expect(h.address("n1/eth0") == "10.141.0.1")
        #expect(h.holder("10.141.0.1", on: "cluster") == "n1/eth0")
    }

    @Test func deletingAGroupInterfaceRemovesItFromMembers() throws {
        var h = Harness.basic()
        h.node("n1")
        #expect(
            h.ok("Group.interface.delete", "compute", ["interface": "BOOTIF"])
                == .removed("Group compute interface BOOTIF removed"))
        #expect(h.row(.nodeinterface, "n1/BOOTIF") == nil)
        #expect(h.taken(on: "cluster").isEmpty)
        #expect(
            try h.run("Group.interface.delete", "compute", ["interface": "BOOTIF"])
                == .rejected(.notFound("Group compute does not have BOOTIF interface")))
    }

    /// A node created after a group interface exists copies its settings (mtu, options…);
    /// a member that existed before only gets the network, so the two differ.
    @Test func groupInterfaceSettingsReachExistingMembersLikeNewOnes() {
        var h = Harness.basic()
        h.node("before")
        h.network("ib", "10.149.0.0/24")
        h.ok("Group.interfaces", "compute", ["interfaces": interfaces([["interface": "ib0", "network": "ib", "mtu": 65520]])])
        h.node("after")
        #expect(h.row(.nodeinterface, "after/ib0")?["mtu"] == .int(65520))
        #expect(h.row(.nodeinterface, "before/ib0")?["mtu"] == h.row(.nodeinterface, "after/ib0")?["mtu"])
    }

    @Test func renameMovesMembersInterfacesAndSecrets() {
        var h = Harness.basic()
        h.node("n1")
        h.ok("Secret.group.update", "compute", ["secrets": .array([.object(["name": "munge", "content": "k"])])])
        let outcome = h.ok("Group.update", "compute", ["newgroupname": "gpu"])
        #expect(outcome == .changed("Group compute renamed to gpu and updated"))
        #expect(h.row(.group, "compute") == nil)
        #expect(h.row(.group, "gpu") != nil)
        #expect(h.string(.node, "n1", "group") == "gpu")
        #expect(h.state.groupMembers["gpu"] == ["n1"])
        #expect(h.state.groupMembers["compute", default: []].isEmpty)
        #expect(h.row(.groupinterface, "gpu/BOOTIF") != nil)
        #expect(h.row(.groupinterface, "compute/BOOTIF") == nil)
        #expect(h.string(.groupsecret, "gpu/munge", "content") == "sealed:k")
        // Member interfaces keep their addresses.
        #expect(h.address("n1/BOOTIF") == "10.141.0.1")
        #expect(
            h.rejected("Node.update", "n2", ["group": "compute"])?.message
                == "Invalid request: group compute is not known or valid")
    }

    @Test func renameOntoAnExistingGroupIsRefused() {
        var h = Harness.basic()
        h.group("other")
        #expect(
            h.rejected("Group.update", "compute", ["newgroupname": "other"])?.message
                == "Invalid request: other already present in database")
    }

    @Test func cloneCopiesInterfacesAndSecretsButNotMembers() {
        var h = Harness.basic()
        h.node("n1")
        h.ok("Secret.group.update", "compute", ["secrets": .array([.object(["name": "munge", "content": "k"])])])
        #expect(
            h.ok("Group.clone", "compute", ["newgroupname": "compute2", "comment": "copy"])
                == .created("Group compute cloned as compute2 successfully"))
        #expect(h.string(.groupinterface, "compute2/BOOTIF", "network") == "cluster")
        #expect(h.string(.groupsecret, "compute2/munge", "content") == "sealed:k")
        #expect(h.string(.group, "compute2", "comment") == "copy")
        #expect(h.state.groupMembers["compute2", default: []].isEmpty)
        #expect(h.string(.node, "n1", "group") == "compute")
    }

    @Test func osimageTagMustBeATagOfTheImage() {
        var h = Harness()
        h.ok("OSImage.update", "rocky9", ["kernelfile": "vmlinuz"])
        let error = h.rejected("Group.update", "compute", ["osimage": "rocky9", "osimagetag": "v1"])
        #expect(error?.message == "Invalid request: osimagetag v1 is not a tag of osimage rocky9")
        h.ok("OSImage.tag", "rocky9", ["tag": "v1"])
        h.ok("Group.update", "compute", ["osimage": "rocky9", "osimagetag": "v1"])
        #expect(
            h.rejected("OSImage.tag.delete", "rocky9", ["tag": "v1"])?.message
                == "Invalid request: tag v1 of OS Image rocky9 is in use by group compute")
        #expect(
            h.rejected("OSImage.delete", "rocky9")?.message == "Invalid request: osimage rocky9 currently in use by group compute"
        )
    }
}
