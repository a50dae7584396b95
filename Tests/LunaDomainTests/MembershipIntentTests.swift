import LunaDomain
import LunaModel
import Testing

/// Taking controllers out of the cluster and letting one join again.
struct MembershipIntentTests {
    @Test func aRemovedControllerLeavesTheViewsAndIsRecordedWithItsLastEvent() {
        var harness = ControllerRoleTests.trio()
        harness.ok("Controller.remove", "c2", ["through": 41, "incarnation": 7])
        #expect(harness.row(.controller, "c2") == nil)
        #expect(Removal.all(in: harness.state)["c2"] == Removal(through: 41, incarnations: [7]))
        #expect(harness.rejected("Controller.remove", "c2", ["through": 41])?.kind == .notFound)
        #expect(harness.rejected("Controller.remove", "c9", ["through": 0])?.kind == .notFound)
    }

    @Test func theLastFullControllerStays() {
        var harness = ControllerRoleTests.trio()
        harness.ok("Controller.update", "c3", ["beacon": false, "shadow": true])
        harness.ok("Controller.remove", "c2", ["through": 1])
        #expect(harness.rejected("Controller.remove", "c1", ["through": 1])?.message.contains("last full controller") == true)
    }

    @Test func aRemovedControllerComesBackOnlyThroughAJoin() {
        var harness = ControllerRoleTests.trio()
        harness.ok("Controller.remove", "c2", ["through": 5, "incarnation": 7])
        let refused = harness.rejected("Controller.update", "c2", ["replication_address": "127.0.0.1:9000"])
        #expect(refused?.message.contains("luna cluster join") == true)
        #expect(harness.rejected("Controller.readmit", "c3")?.message.contains("was not removed") == true)
        harness.ok("Controller.readmit", "c2")
        harness.ok("Controller.update", "c2", ["replication_address": "127.0.0.1:9000"])
        #expect(Removal.all(in: harness.state)["c2"] == Removal(through: nil, incarnations: [7]), "its old data stays refused")
        harness.ok("Controller.remove", "c2", ["through": 9, "incarnation": 8])
        #expect(Removal.all(in: harness.state)["c2"] == Removal(through: 9, incarnations: [7, 8]))
    }

    @Test func aRemovalNamesTheLastEventKept() {
        #expect(Harness.refused("Controller.remove", "c2", [:])?.message.contains("through must be") == true)
        #expect(Harness.refused("Controller.remove", "c2", ["through": -1])?.message.contains("through must be") == true)
        #expect(Harness.refused("Controller.remove", "c2", ["through": "5"])?.message.contains("through must be") == true)
    }

    @Test func exportsLeaveMembershipOut() {
        var harness = ControllerRoleTests.trio()
        harness.ok("Controller.remove", "c2", ["through": 5])
        let export = ClusterExport.export(harness.state, opener: FakeSealer())
        #expect(export["tables"]?["removedcontroller"] == nil)
        #expect(export["tables"]?["controller"] == nil)
    }
}
