import LunaDomain
import LunaModel
import Testing

/// The allocation floor only speeds the search: after any mix of creates, deletes,
/// explicit addresses and network changes, the next free address is the one a state
/// without floors (freshly loaded) finds.
struct AllocationFloorTests {
    @Test(arguments: [1, 2, 3, 4, 5])
    func floorsNeverChangeWhichAddressIsNext(seed: UInt64) throws {
        var h = Harness()
        h.network(
            "cluster", "10.141.0.0/26",
            ["gateway": "10.141.0.5", "dhcp": true, "dhcp_range_begin": "10.141.0.20", "dhcp_range_end": "10.141.0.29"])
        h.group("compute", interfaces: [("BOOTIF", "cluster")])
        var random = seed
        func next(_ bound: Int) -> Int {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((random >> 33) % UInt64(bound))
        }
        var nodes: [String] = []
        for step in 0..<300 {
            switch next(10) {
            case 0..<5:
                if (try? h.run("Node.update", "n\(step)", ["group": "compute"])).map({
                    if case .created = $0 { true } else { false }
                }) == true {
                    nodes.append("n\(step)")
                }
            case 5..<8 where !nodes.isEmpty:
                let node = nodes.remove(at: next(nodes.count))
                _ = try? h.run("Node.delete", node)
            case 8 where !nodes.isEmpty:
                let address = "10.141.0.\(next(60) + 1)"
                _ = try? h.run(
                    "Node.interfaces", nodes[next(nodes.count)],
                    ["interfaces": [["interface": "BOOTIF", "ipaddress": .string(address)]]])
            default:
                _ = try? h.run("Network.update", "cluster", ["gateway": .string("10.141.0.\(next(10) + 1)")])
            }
            var fresh = ClusterState()
            for table in Table.allCases {
                for (key, row) in h.state.rows(table) { fresh.load(table, key, row) }
            }
            let expected = try? NetworkView(state: fresh).nextFree("cluster")
            let actual = try? NetworkView(state: h.state).nextFree("cluster")
            #expect(actual == expected, "step \(step): the floor gave \(actual ?? "none"), a scan gives \(expected ?? "none")")
        }
    }
}
