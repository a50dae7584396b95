import LunaDomain
import LunaModel
import Testing

/// Fields luna2-cli sends that Luna takes, or refuses with the reason.
struct CLIFieldTests {
    @Test func switchesTakeTheirZeroTouchFields() {
        var harness = Harness.basic()
        harness.ok(
            "Switch.update", "sw1",
            [
                "netboot": "yes", "default_url": "http://10.141.255.254/ztp", "bootfile": "onie", "ztpconfig": "x",
                "ztpformat": "json",
            ])
        #expect(harness.row(.switch, "sw1")?["netboot"] == .bool(true))
        #expect(harness.string(.switch, "sw1", "ztpformat") == "json")
    }

    @Test func aGroupsDomainIsRefusedWithWhereItComesFrom() {
        #expect(
            Harness.refused("Group.update", "compute", ["domain": "cluster"])?.message.contains("network of its BOOTIF") == true)
    }
}
