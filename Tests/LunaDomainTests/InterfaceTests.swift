import LunaDomain
import LunaModel
import Testing

@Suite("Node interfaces")
struct InterfaceTests {
    static func cluster() -> Harness {
        var h = Harness.basic()
        h.network("ib", "10.149.0.0/24")
        h.node("n1")
        return h
    }

    func set(_ h: inout Harness, _ node: String, _ item: Row) -> Outcome? {
        h.ok("Node.interfaces", node, ["interfaces": interfaces([item])])
    }

    @Test func addingAnInterfaceAllocates() {
        var h = Self.cluster()
        #expect(set(&h, "n1", ["interface": "ib0", "network": "ib", "mtu": "65520"]) == .changed("Node n1 interfaces updated"))
        #expect(h.address("n1/ib0") == "10.149.0.1")
        #expect(h.row(.nodeinterface, "n1/ib0")?["mtu"] == .int(65520))
        #expect(h.state.childKeys(.nodeinterface, of: "n1") == ["n1/BOOTIF", "n1/ib0"])
    }

    @Test func renamingKeepsTheAddress() {
        var h = Self.cluster()
        _ = set(&h, "n1", ["interface": "BOOTIF", "newinterfacename": "eno1"])
        #expect(h.row(.nodeinterface, "n1/BOOTIF") == nil)
        #expect(h.string(.nodeinterface, "n1/eno1", "interface") == "eno1")
        #expect(h.address("n1/eno1") == "10.141.0.1")
        #expect(h.holder("10.141.0.1", on: "cluster") == "n1/eno1")
    }

    @Test func renamingOntoAnExistingInterfaceIsRefused() {
        var h = Self.cluster()
        _ = set(&h, "n1", ["interface": "ib0", "network": "ib"])
        let error = h.rejected(
            "Node.interfaces", "n1", ["interfaces": interfaces([["interface": "BOOTIF", "newinterfacename": "ib0"]])])
        #expect(error?.message == "Invalid request: node n1 already has an interface ib0")
    }

    @Test func movingToAnotherNetworkReallocates() {
        var h = Self.cluster()
        _ = set(&h, "n1", ["interface": "BOOTIF", "network": "ib"])
        #expect(h.string(.nodeinterface, "n1/BOOTIF", "network") == "ib")
        #expect(h.address("n1/BOOTIF") == "10.149.0.1")
        #expect(h.taken(on: "cluster").isEmpty)
    }

    @Test func movingToAnotherNetworkWithAnAddress() {
        var h = Self.cluster()
        _ = set(&h, "n1", ["interface": "BOOTIF", "network": "ib", "ipaddress": "10.149.0.9"])
        #expect(h.address("n1/BOOTIF") == "10.149.0.9")
        #expect(h.taken(on: "cluster").isEmpty)
    }

    @Test func nullAddressClearsAndFreesIt() {
        var h = Self.cluster()
        _ = set(&h, "n1", ["interface": "BOOTIF", "ipaddress": .null])
        #expect(h.address("n1/BOOTIF") == nil)
        #expect(h.string(.nodeinterface, "n1/BOOTIF", "network") == "cluster")
        #expect(h.taken(on: "cluster").isEmpty)
        h.node("n2")
        #expect(h.address("n2/BOOTIF") == "10.141.0.1")
    }

    @Test func addressWithoutANetworkIsRefused() {
        var h = Self.cluster()
        let error = h.rejected(
            "Node.interfaces", "n1", ["interfaces": interfaces([["interface": "eth5", "ipaddress": "10.141.0.9"]])])
        #expect(error?.message == "Invalid request: interface eth5 of node n1 needs a network for its ipaddress")
    }

    @Test func unknownNetworkIsRefused() {
        var h = Self.cluster()
        let error = h.rejected(
            "Node.interfaces", "n1", ["interfaces": interfaces([["interface": "eth5", "network": "nowhere"]])])
        #expect(error?.message == "Invalid request: network nowhere is not known or valid")
    }

    @Test func deletingAnInterfaceFreesItsAddress() throws {
        var h = Self.cluster()
        _ = set(&h, "n1", ["interface": "ib0", "network": "ib", "macaddress": "52:54:00:00:00:09"])
        #expect(h.ok("Node.interface.delete", "n1", ["interface": "ib0"]) == .removed("Node n1 interface ib0 removed"))
        #expect(h.row(.nodeinterface, "n1/ib0") == nil)
        #expect(h.taken(on: "ib").isEmpty)
        #expect(h.state.macs["52:54:00:00:00:09"] == nil)
        #expect(
            try h.run("Node.interface.delete", "n1", ["interface": "ib0"])
                == .rejected(.notFound("Node n1 does not have ib0 interface")))
        #expect(
            try h.run("Node.interface.delete", "n9", ["interface": "ib0"])
                == .rejected(.notFound("Node n9 not present in database")))
    }

    @Test func interfacesOfAnUnknownNodeAreNotFound() throws {
        var h = Self.cluster()
        let outcome = try h.run("Node.interfaces", "n9", ["interfaces": interfaces([["interface": "eth0"]])])
        #expect(outcome == .rejected(.notFound("Node n9 not present in database")))
    }

    @Test(arguments: [
        (JSONValue.null, "Invalid request: interfaces are required"),
        (.string("eth0"), "Invalid request: interfaces must be a list of objects"),
        (.array([.string("eth0")]), "Invalid request: each interface must be an object"),
        (.array([.object(["network": "cluster"])]), "Invalid request: each interface needs an interface name"),
        (
            .array([.object(["interface": "e"])]),
            "Invalid request: field interface with content 'e' does not match criteria: letters, digits, '.', '-', ':' and '_', at least 2 characters, at most 64 characters"
        ),
        (
            .array([.object(["interface": "eth 0"])]),
            "Invalid request: field interface with content 'eth 0' does not match criteria: letters, digits, '.', '-', ':' and '_', at least 2 characters, at most 64 characters"
        ),
        (
            .array([.object(["interface": "eth0", "newinterfacename": 3])]),
            "Invalid request: field newinterfacename must be a string"
        ),
        (
            .array([.object(["interface": "eth0", "ipaddress": "10.0.0.256"])]),
            "Invalid request: field ipaddress with content '10.0.0.256' is not an IPv4 or IPv6 address"
        ),
        (
            .array([.object(["interface": "eth0", "mtu": -1])]),
            "Invalid request: field mtu must be a whole number from 68 to 65535, not -1"
        ),
        (
            .array([.object(["interface": "eth0", "force": "maybe"])]),
            "Invalid request: field force must be a boolean (true or false), not 'maybe'"
        ),
    ])
    func malformedInterfaceListsAreRefused(value: JSONValue, message: String) {
        #expect(Harness.refused("Node.interfaces", "n1", ["interfaces": value])?.message == message)
    }

    @Test(arguments: ["eth0", "BOOTIF", "eth0.100", "bond0:1", "ib_0", "en-1"])
    func goodInterfaceNames(name: String) throws {
        let payload = try Harness.prepare("Node.interfaces", "n1", ["interfaces": interfaces([["interface": .string(name)]])])
        #expect(payload["interfaces"]?.arrayValue?.first?["interface"] == .string(name))
    }

    @Test func addressIsNormalisedInPrepare() throws {
        let payload = try Harness.prepare(
            "Node.interfaces", "n1", ["interfaces": interfaces([["interface": "eth0", "ipaddress": "FD00:0::0001"]])])
        #expect(payload["interfaces"]?.arrayValue?.first?["ipaddress"] == "fd00::1")
    }
}
