import LunaDomain
import LunaModel
import Testing

/// Every level of luna2's chain (node → group → OS image (+ tag) → cluster → defaults),
/// each with the `_<field>_source` marker the detail views print.
@Suite("Inheritance")
struct InheritanceTests {
    /// A node in a group with an image, a tagged image, a BMC setup and cluster settings.
    static func cluster() -> Harness {
        var h = Harness()
        h.ok("Cluster.update", "cluster", ["provision_method": "torrent", "provision_fallback": "http"])
        h.network("cluster", "10.141.0.0/24")
        h.network("ipmi", "10.148.0.0/24")
        h.ok("OSImage.update", "img", ["kerneloptions": "image-opts"])
        h.ok("OSImage.tag", "img", ["tag": "v1"])
        h.ok("OSImage.update", "img", ["kerneloptions": "newer-image-opts"])
        h.ok("BMCSetup.update", "bmc", ["username": "admin", "unmanaged_bmc_users": "disable"])
        h.group("compute", interfaces: [("BOOTIF", "cluster"), ("BMC", "ipmi")], ["osimage": "img", "bmcsetupname": "bmc"])
        h.node("n1")
        return h
    }

    func detail(_ h: Harness, _ node: String = "n1") -> JSONValue {
        NodeView(state: h.state).render(node, detail: true)!
    }

    @Test func defaultsWhenNoLevelSetsAValue() {
        let node = detail(Self.cluster())
        #expect(node["netboot"] == "False")
        #expect(node["_netboot_source"] == "default")
        #expect(node["provision_interface"] == "BOOTIF")
        #expect(node["_provision_interface_source"] == "default")
        #expect(node["ipxe_kernel"] == "default")
        #expect(node["osimagetag"] == "default")
        #expect(node["_osimagetag_source"] == "default")
        #expect(node["_override"] == false)
    }

    @Test func clusterLevel() {
        let node = detail(Self.cluster())
        #expect(node["provision_method"] == "torrent")
        #expect(node["_provision_method_source"] == "cluster")
    }

    @Test func osImageLevelAndItsTag() {
        var h = Self.cluster()
        #expect(detail(h)["kerneloptions"] == "newer-image-opts")
        #expect(detail(h)["_kerneloptions_source"] == "osimage")
        h.ok("Group.update", "compute", ["osimagetag": "v1"])
        #expect(detail(h)["kerneloptions"] == "image-opts")
        #expect(detail(h)["_kerneloptions_source"] == "osimage")
        #expect(detail(h)["osimagetag"] == "v1")
        #expect(detail(h)["_osimagetag_source"] == "group")
    }

    @Test func bmcSetupLevel() {
        let node = detail(Self.cluster())
        #expect(node["bmcsetup"] == "bmc")
        #expect(node["_bmcsetup_source"] == "group")
        #expect(node["unmanaged_bmc_users"] == "disable")
        #expect(node["_unmanaged_bmc_users_source"] == "bmcsetup")
    }

    @Test func groupLevelWinsOverImageAndCluster() {
        var h = Self.cluster()
        h.ok("Group.update", "compute", ["kerneloptions": "group-opts", "provision_method": "http", "netboot": true])
        let node = detail(h)
        #expect(node["kerneloptions"] == "group-opts")
        #expect(node["_kerneloptions_source"] == "group")
        #expect(node["provision_method"] == "http")
        #expect(node["_provision_method_source"] == "group")
        #expect(node["netboot"] == "True")
        #expect(node["_netboot_source"] == "group")
        #expect(node["_override"] == false)
    }

    @Test func nodeLevelWinsAndSetsOverride() {
        var h = Self.cluster()
        h.ok("Group.update", "compute", ["kerneloptions": "group-opts"])
        h.ok("Node.update", "n1", ["kerneloptions": "node-opts", "unmanaged_bmc_users": "delete"])
        let node = detail(h)
        #expect(node["kerneloptions"] == "node-opts")
        #expect(node["_kerneloptions_source"] == "node")
        #expect(node["unmanaged_bmc_users"] == "delete")
        #expect(node["_unmanaged_bmc_users_source"] == "node")
        #expect(node["_override"] == true)
        h.ok("Node.update", "n1", ["kerneloptions": .null, "unmanaged_bmc_users": .null])
        #expect(detail(h)["_kerneloptions_source"] == "group")
        #expect(detail(h)["_override"] == false)
    }

    @Test func aKickstartImageForcesKickstartProvisioning() {
        var h = Self.cluster()
        h.ok("Node.update", "n1", ["provision_method": "http"])
        h.ok("OSImage.update", "img", ["imagefile": "kickstart"])
        #expect(detail(h)["provision_method"] == "kickstart")
        #expect(detail(h)["_provision_method_source"] == "osimage")
    }

    @Test func groupDetailShowsItsOwnSources() {
        var h = Self.cluster()
        h.ok("Group.update", "compute", ["netboot": true])
        let group = GroupView(state: h.state).render("compute", detail: true)!
        #expect(group["netboot"] == "True")
        #expect(group["_netboot_source"] == "group")
        #expect(group["kerneloptions"] == "newer-image-opts")
        #expect(group["_kerneloptions_source"] == "osimage")
        #expect(group["provision_fallback"] == "http")
        #expect(group["_provision_fallback_source"] == "cluster")
        #expect(group["unmanaged_bmc_users"] == "disable")
        #expect(group["_unmanaged_bmc_users_source"] == "bmcsetup")
        let list = GroupView(state: h.state).render("compute", detail: false)!
        #expect(list["netboot"] == true)
        #expect(list["_netboot_source"] == nil)
    }

    @Test func listViewHasBooleansAndNoSources() {
        let node = NodeView(state: Self.cluster().state).render("n1", detail: false)!
        #expect(node["netboot"] == false)
        #expect(node["_netboot_source"] == nil)
        #expect(node["hostname"] == "n1.cluster")
        #expect(node["tpm_present"] == false)
    }
}
