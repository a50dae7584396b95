import Foundation
import LunaDomain
import LunaLog
import LunaModel
import LunaRuntime
import LunaTestSupport

/// A seeded mix of every kind of write, valid and invalid: networks, groups, images,
/// nodes created, changed, renamed, cloned and deleted, interfaces, secrets, tags, racks.
struct MixedWorkload {
    var generator: SeededRandom

    init(seed: UInt64) {
        generator = SeededRandom(seed: seed)
    }

    mutating func run(on controller: Controller, operations: Int) async throws {
        try await submit(controller, "Cluster.update", "cluster", ["name": "test", "provision_method": "http"])
        try await submit(
            controller, "Network.update", "cluster",
            [
                "network": "10.141.0.0/16", "gateway": "10.141.255.254", "dhcp": true,
                "dhcp_range_begin": "10.141.200.0", "dhcp_range_end": "10.141.210.255",
            ])
        try await submit(controller, "Network.update", "ipmi", ["network": "10.148.0.0/16", "network_ipv6": "fd00:148::/64"])
        try await submit(controller, "OSImage.update", "img", ["path": "/images/img", "kerneloptions": "quiet"])
        try await submit(controller, "BMCSetup.update", "bmc", ["username": "admin", "password": "secret", "userid": 2])
        try await submit(
            controller, "Group.update", "compute",
            [
                "osimage": "img", "bmcsetupname": "bmc",
                "interfaces": [
                    ["interface": "BOOTIF", "network": "cluster"], ["interface": "BMC", "network": "ipmi"],
                ],
            ])
        try await submit(
            controller, "Group.update", "gpu",
            ["osimage": "img", "netboot": true, "interfaces": [["interface": "BOOTIF", "network": "cluster"]]])
        try await submit(controller, "Rack.update", "r1", ["size": 42, "room": "a"])
        var nodes: [String] = []
        for index in 0..<operations {
            let choice = generator.next() % 100
            let name = nodes.isEmpty ? nil : nodes[Int(generator.next() % UInt64(nodes.count))]
            switch (choice, name) {
            case (0..<40, _), (_, nil):
                let new = "n\(index)"
                if try await submit(controller, "Node.update", new, ["group": generator.next() % 3 == 0 ? "gpu" : "compute"]) {
                    nodes.append(new)
                }
            case (40..<60, let name?):
                try await submit(
                    controller, "Node.update", name,
                    ["comment": .string("c\(index)"), "netboot": generator.next() % 2 == 0 ? true : false])
            case (60..<65, let name?):
                let new = "m\(index)"
                if try await submit(controller, "Node.update", name, ["newnodename": .string(new)]) {
                    nodes.removeAll { $0 == name }
                    nodes.append(new)
                }
            case (65..<70, let name?):
                let new = "k\(index)"
                if try await submit(controller, "Node.clone", name, ["newnodename": .string(new)]) { nodes.append(new) }
            case (70..<76, let name?):
                if try await submit(controller, "Node.delete", name, [:]) { nodes.removeAll { $0 == name } }
            case (76..<84, let name?):
                let mac = (0..<6).map { _ in String(format: "%02x", Int(generator.next() % 256)) }.joined(separator: ":")
                try await submit(
                    controller, "Node.interfaces", name,
                    ["interfaces": [["interface": "eth1", "network": "ipmi", "macaddress": .string(mac)]]])
            case (84..<88, let name?):
                try await submit(
                    controller, "Secret.node.update", name,
                    ["secrets": [["name": "key", "content": "s3cret", "path": "/etc/key"]]])
            case (88..<90, _):
                try await submit(controller, "OSImage.tag", "img", ["tag": .string("t\(index % 5)")])
            case (90..<93, let name?):
                try await submit(
                    controller, "Rack.inventory.update", "inventory",
                    [
                        "items": [
                            [
                                "rack": "r1", "name": .string(name), "type": "node",
                                "position": .int(Int(generator.next() % 40) + 1),
                            ]
                        ]
                    ])
            case (93..<96, _):
                try await submit(
                    controller, "Network.update", "cluster",
                    ["dhcp_range_end": .string("10.141.\(210 + Int(generator.next() % 20)).255")])
            default:
                // Invalid on purpose: refused, never logged.
                try await submit(controller, "Node.update", "bad\(index)", ["group": "nosuchgroup"])
            }
        }
    }

    @discardableResult
    func submit(_ controller: Controller, _ intent: String, _ object: String, _ body: Row) async throws -> Bool {
        do {
            _ = try await controller.submit(intent, object: object, body: body, actor: "test", requestID: "r")
            return true
        } catch  where error.kind != .unavailable {
            return false
        }
    }
}
