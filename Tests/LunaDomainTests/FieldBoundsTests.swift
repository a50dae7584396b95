import LunaDomain
import LunaModel
import Testing

/// Values a real machine cannot have are refused before anything is written, with the
/// field and its bounds named; so is a secret left without content.
struct FieldBoundsTests {
    @Test(
        arguments: [
            (
                "Node.interfaces", ["interfaces": [["interface": "eth1", "vlanid": 4095]]],
                "field vlanid must be a whole number from 1 to 4094"
            ),
            ("Controller.update", ["serverport": 0], "field serverport must be a whole number from 1 to 65535, not 0"),
            ("BMCSetup.update", ["netchannel": "16"], "field netchannel must be a whole number from 0 to 15, not '16'"),
            ("Route.update", ["metric": -1], "field metric must be a whole number from 0 to 4294967295, not -1"),
            (
                "Rack.inventory.update", ["items": [["rack": "r1", "name": "n1", "type": "node", "position": 0]]],
                "field position must be a whole number from 1"
            ),
        ] as [(String, Row, String)])
    func outOfBoundsValuesAreRefused(intent: String, body: Row, message: String) {
        #expect(Harness.refused(intent, "x1", body)?.message.contains(message) == true, "\(intent)")
    }

    @Test func aSecretCannotLoseItsContent() {
        var harness = Harness.basic()
        harness.ok("Node.update", "n1", ["group": "compute"])
        harness.ok("Secret.node.update", "n1", ["secrets": [["name": "k", "content": "v"]]])
        #expect(
            harness.rejected("Secret.node.update", "n1", ["secrets": [["name": "k", "content": ""]]])?.message
                == "Invalid request: secret k needs content")
        harness.ok("Secret.node.update", "n1", ["secrets": [["name": "k", "path": "/k"]]])
    }

    @Test func aControllerCanBePlacedInARackAsTheInventoryListsIt() {
        var harness = Harness()
        harness.ok("Network.update", "cluster", ["network": "10.141.0.0/16"])
        harness.ok("Controller.update", "c1", ["network": "cluster", "ipaddress": "10.141.255.254"])
        harness.ok("Rack.update", "r1", [:])
        harness.ok(
            "Rack.inventory.update", "inventory", ["items": [["rack": "r1", "name": "c1", "type": "controller", "position": 40]]])
        #expect(harness.row(.rackinventory, "r1/controller:c1") != nil)
    }
}
