import Foundation
import LunaModel
import Testing

/// Grab and push against "nodes" that are network namespaces running sshd in a small tree
/// (Deploy/ssh-nodes): a dry run changes nothing, a grab copies a node's tree without what
/// the image excludes, a push to a group copies to every node with a line per node, and a
/// node that cannot be reached fails alone. Needs root, as the namespaces do.
@Suite(.serialized, .enabled(if: getuid() == 0, "the ssh nodes are network namespaces: run as root"))
struct OSImageGrabPushProcessTests {
    typealias LocalCluster = ReplicationProcessTests.LocalCluster

    static func sshNodes(_ arguments: [String]) throws -> (exit: Int32, output: String) {
        try LunadProcess.runToExit(at: LunadProcess.root.appendingPathComponent("Deploy/ssh-nodes"), arguments)
    }

    @Test func grabCopiesANodeIntoTheTreeAndPushCopiesItToAGroup() async throws {
        var cluster = LocalCluster()
        cluster.linkPorts = false
        let nodes = cluster.directory + "-ssh"
        let tree = cluster.directory + "-tree"
        defer {
            _ = try? cluster.runBlocking(["down"])
            _ = try? Self.sshNodes(["down", "--dir", nodes])
            try? FileManager.default.removeItem(atPath: cluster.directory)
            try? FileManager.default.removeItem(atPath: tree)
        }
        let up = try Self.sshNodes(["up", "3", "--dir", nodes])
        try #require(up.exit == 0, "\(up.output)")
        #expect(try await cluster.run(["up", "1"]).exit == 0)
        // The controller logs in to the nodes with the key the lab made.
        let ini = cluster.directory + "/c1/luna.ini"
        try
            (try String(contentsOfFile: ini, encoding: .utf8)
            + "\n[IMAGES]\nSSH_KEY = \(nodes)/id_ed25519\nPUSH_CONCURRENCY = 2\n")
            .write(toFile: ini, atomically: true, encoding: .utf8)
        #expect(try await cluster.run(["stop", "c1"]).exit == 0)
        #expect(try await cluster.run(["start", "c1"]).exit == 0)
        let api = cluster.api(1)

        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        let setup: [(String, JSONValue)] = [
            ("/config/network/sshlab", ["config": ["network": ["sshlab": ["network": "10.151.0.0/24"]]]]),
            (
                "/config/osimage/grabbed",
                ["config": ["osimage": ["grabbed": ["path": .string(tree), "grab_exclude": "/scratch"]]]]
            ),
            ("/config/group/pushgroup", ["config": ["group": ["pushgroup": ["osimage": "grabbed"]]]]),
        ]
        for (path, body) in setup {
            let reply = try await api.post(path, body)
            #expect(reply.status == 201, "\(path): \(reply.text)")
        }
        // node004 has an address where no node answers.
        for (node, address, group) in [
            ("node001", "10.151.0.11", "compute-group"), ("node002", "10.151.0.12", "pushgroup"),
            ("node003", "10.151.0.13", "pushgroup"), ("node004", "10.151.0.99", "pushgroup"),
        ] {
            let body: JSONValue = [
                "config": [
                    "node": .object([
                        node: [
                            "group": .string(group),
                            "interfaces": [["interface": "BOOTIF", "network": "sshlab", "ipaddress": .string(address)]],
                        ]
                    ])
                ]
            ]
            let reply = try await api.post("/config/node/\(node)", body)
            #expect(reply.status == 204 || reply.status == 201, "\(node): \(reply.text)")
        }

        let dry = try await api.post("/config/node/node001/_osgrab", ["config": ["node": ["node001": ["osimage": "grabbed"]]]])
        #expect(dry.status == 200 && dry.body?["message"] == "osimage grab from node001 to grabbed queued", "\(dry.text)")
        let dryLines = try await OSImagePackProcessTests.follow(try #require(dry.body?["request_id"]?.stringValue), on: api)
        #expect(dryLines.contains { $0.text.contains("dry run of the grab of node node001") }, "\(dryLines)")
        #expect(FileManager.default.subpaths(atPath: tree)?.isEmpty == true, "a dry run changed the tree")

        let grab = try await api.post(
            "/config/node/node001/_osgrab",
            ["config": ["node": ["node001": ["osimage": "grabbed", "nodry": true, "bare": true]]]])
        let grabLines = try await OSImagePackProcessTests.follow(try #require(grab.body?["request_id"]?.stringValue), on: api)
        #expect(
            grabLines.allSatisfy { $0.status == 200 } && grabLines.contains { $0.text.contains("not packed (bare)") },
            "\(grabLines)")
        let hostname = try String(contentsOfFile: tree + "/etc/hostname", encoding: .utf8)
        #expect(hostname.trimmingCharacters(in: .whitespacesAndNewlines) == "node1")
        #expect(FileManager.default.fileExists(atPath: tree + "/srv/data/file-1"))
        #expect(!FileManager.default.fileExists(atPath: tree + "/scratch/big"), "grab_exclude was not honoured")

        try "pushed by the test".write(toFile: tree + "/srv/data/pushed", atomically: true, encoding: .utf8)
        let push = try await api.post("/config/group/pushgroup/_ospush", ["config": ["group": ["pushgroup": [:]]]])
        #expect(push.status == 200 && push.body?["message"] == "osimage push from pushgroup to grabbed queued", "\(push.text)")
        let pushLines = try await OSImagePackProcessTests.follow(try #require(push.body?["request_id"]?.stringValue), on: api)
        let texts = pushLines.map(\.text)
        #expect(
            texts.contains { $0.hasPrefix("node002: pushed") } && texts.contains { $0.hasPrefix("node003: pushed") }, "\(texts)")
        #expect(texts.contains { $0.hasPrefix("error push grabbed") && $0.contains("1 of 3 nodes: node004") }, "\(texts)")
        #expect(pushLines.contains { $0.status == 500 })
        for index in [2, 3] {
            let pushed = try? String(contentsOfFile: "\(nodes)/node\(index)/root/srv/data/pushed", encoding: .utf8)
            #expect(pushed == "pushed by the test", "node\(index) did not get the push")
        }
        let own = try String(contentsOfFile: "\(nodes)/node2/root/etc/hostname", encoding: .utf8)
        #expect(
            own.trimmingCharacters(in: .whitespacesAndNewlines) == "node1", "a push copies the image's files, /etc/hostname too")
    }
}
