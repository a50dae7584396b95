import LunaDomain
import LunaModel
import Testing

/// OS users and groups: unique numbers given in order, groups that exist, membership kept
/// on the users and written through from a group.
struct OSAccountTests {
    @Test func numbersAreGivenFrom1000AndNeverTwice() {
        var harness = Harness()
        harness.ok("OSGroup.update", "hpc", [:])
        harness.ok("OSUser.update", "alice", ["groupname": "hpc", "cn": "Alice A"])
        harness.ok("OSUser.update", "bob", ["uidNumber": 1001])
        harness.ok("OSUser.update", "carol", [:])
        #expect(harness.row(.osuser, "alice")?["uidNumber"] == .int(1000))
        #expect(harness.row(.osuser, "carol")?["uidNumber"] == .int(1002))
        #expect(harness.row(.osgroup, "hpc")?["gidNumber"] == .int(1000))
        #expect(
            harness.rejected("OSUser.update", "dave", ["uidNumber": 1001])?.message.contains("already used by osuser bob") == true
        )
        #expect(harness.rejected("OSUser.update", "dave", ["groupname": "nogroup"])?.message.contains("not known") == true)
        #expect(Harness.refused("OSUser.update", "Dave", [:]) != nil, "names are lowercase, as on the nodes")
    }

    @Test func membershipIsKeptOnTheUsers() {
        var harness = Harness()
        harness.ok("OSUser.update", "alice", [:])
        harness.ok("OSUser.update", "bob", [:])
        harness.ok("OSGroup.update", "hpc", ["member": "alice,bob"])
        #expect(harness.string(.osuser, "bob", "memberOf") == "hpc")
        #expect(harness.row(.osgroup, "hpc")?["member"] == nil, "stored once, on the users")
        #expect(ObjectView(state: harness.state, opener: nil).render(.osgroup, "hpc", detail: true)?["member"] == "alice,bob")
        harness.ok("OSGroup.update", "hpc", ["member": "alice"])
        #expect(harness.row(.osuser, "bob")?["memberOf"] == nil)
        #expect(harness.rejected("OSGroup.update", "hpc", ["member": "nobody"])?.message.contains("osuser nobody") == true)
        #expect(harness.rejected("OSGroup.delete", "hpc")?.message.contains("in use by alice") == true)
        harness.ok("OSGroup.update", "hpc", ["newosgroupname": "science"])
        #expect(harness.string(.osuser, "alice", "memberOf") == "science")
        harness.ok("OSUser.update", "alice", ["memberOf": ""])
        harness.ok("OSGroup.delete", "science")
    }

    @Test func aPasswordIsSealed() throws {
        let payload = try Harness.prepare("OSUser.update", "alice", ["userPassword": "hunter2"])
        #expect(payload["userPassword"] == "sealed:hunter2")
    }
}
