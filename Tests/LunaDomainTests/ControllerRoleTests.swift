import LunaDomain
import LunaModel
import Testing

/// Full controllers, shadows (read-only replicas) and the master role.
struct ControllerRoleTests {
    static func trio() -> Harness {
        var harness = Harness()
        harness.ok("Cluster.update", "cluster", ["name": "trio", "controller": ["c1": [:], "c2": [:], "c3": ["beacon": true]]])
        return harness
    }

    @Test func theMasterIsTheFirstFullControllerUntilOneIsChosen() {
        var harness = Self.trio()
        #expect(ControllerRoles.master(in: harness.state) == "c1")
        harness.ok("Cluster.master", "c2")
        #expect(ControllerRoles.master(in: harness.state) == "c2")
        #expect(harness.row(.controller, "c1")?["master"] == nil)
        harness.ok("Cluster.master", "c3")
        #expect(ControllerRoles.master(in: harness.state) == "c3")
        #expect(harness.row(.controller, "c2")?["master"] == nil, "one master at a time")
        #expect(harness.rejected("Cluster.master", "c9")?.kind == .notFound)
    }

    @Test func aShadowIsNeverMasterNorBeaconAndOneFullControllerRemains() {
        var harness = Self.trio()
        harness.ok("Cluster.master", "c2")
        harness.ok("Controller.update", "c2", ["shadow": true])
        #expect(ControllerRoles.isShadow("c2", in: harness.state))
        #expect(ControllerRoles.master(in: harness.state) == "c1", "the master that became a shadow gave the role up")
        #expect(harness.rejected("Cluster.master", "c2")?.message.contains("c2 is a shadow") == true)
        #expect(harness.rejected("Controller.update", "c3", ["shadow": true])?.message.contains("cannot hold the beacon") == true)
        harness.ok("Controller.update", "c3", ["beacon": false, "shadow": true])
        #expect(harness.rejected("Controller.update", "c1", ["shadow": true])?.message.contains("last full controller") == true)
        harness.ok("Controller.update", "c2", ["shadow": false])
        #expect(!ControllerRoles.isShadow("c2", in: harness.state))
    }

    @Test func controllersInsideTheClusterAreTakenWholeOrNotAtAll() {
        var harness = Self.trio()
        let refused = harness.rejected(
            "Cluster.update", "cluster",
            [
                "name": "renamed",
                "controller": ["c1": ["shadow": true], "c2": ["shadow": true], "c3": ["shadow": true, "beacon": false]],
            ])
        #expect(refused?.message.contains("c3 is the last full controller") == true)
        #expect(harness.string(.cluster, "cluster", "name") == "trio", "the cluster's own fields were not written either")
        #expect(
            Harness.refused("Cluster.update", "cluster", ["controller": ["c1": ["speed": 1]]])?.message.contains(
                "no field 'speed'") == true)
        #expect(
            Harness.refused("Cluster.update", "cluster", ["controller": "c1"])?.message.contains("is not an IP address") == true)
        #expect(
            Harness.refused("Cluster.update", "cluster", ["controller": 7])?.message.contains("new address or an object") == true)
    }
}
