import Foundation
import LunaModel
import Testing

/// What nodes tell one controller reaches all of them: site plugins edited in one
/// controller's folder, install states, and MACs bound by discovery on two at once.
@Suite(.serialized)
struct NetbootProcessTests {
    typealias LocalCluster = ReplicationProcessTests.LocalCluster

    /// Polls `check` every 100 ms for up to `seconds`.
    static func eventually(seconds: Double = 15, _ check: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<Int(seconds * 10) {
            if try await check() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    static func state(_ node: String, on api: LunadProcess) async throws -> String? {
        try await api.get("/monitor/node/\(node)", authenticated: false).body?["monitor"]?["status"]?[node]?["state"]?.stringValue
    }

    @Test func sitePluginsStatesAndDiscoveriesReachEveryController() async throws {
        var cluster = LocalCluster()
        cluster.linkPorts = false
        defer { cluster.tearDown() }
        #expect(try await cluster.run(["up", "3"]).exit == 0)
        let apis = (1...3).map(cluster.api)
        let image: JSONValue = [
            "config": [
                "osimage": ["compute-image": ["kernelfile": "vmlinuz", "initrdfile": "initrd.img", "imagefile": "image.tar.gz"]]
            ]
        ]
        #expect(try await Self.eventually { try await apis[0].post("/config/osimage/compute-image", image).status == 204 })

        // A plugin written into c1's folder is used by c3's installer and lands in c3's folder.
        let plugin = "boot/provision/http.sh"
        let folder = cluster.directory + "/c1/site-plugins/boot/provision"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "#@ segment fetch\necho fetched-by-the-site-plugin\n".write(
            toFile: cluster.directory + "/c1/site-plugins/" + plugin, atomically: true, encoding: .utf8)
        let used = try await Self.eventually {
            try await apis[2].get("/boot/install/node001").text.contains("echo fetched-by-the-site-plugin")
        }
        #expect(used, "c3 renders with c1's site plugin\n\(cluster.logTails())")
        #expect(
            try await Self.eventually { FileManager.default.fileExists(atPath: cluster.directory + "/c3/site-plugins/" + plugin) }
        )
        let story = try LunadProcess.luna(["log", "inspect", "--data-dir", cluster.directory + "/c3/data", "--object", plugin])
        #expect(story.output.contains("Plugin.put") && story.output.contains("site-plugins@c1"), "\(story.output)")

        // A state posted on c1 shows on c2 and c3.
        let posted = try await apis[0].post(
            "/monitor/node/node002", ["monitor": ["status": ["node002": ["state": "install.download"]]]])
        #expect(posted.status == 204)
        for api in apis.dropFirst() {
            #expect(try await Self.eventually { try await Self.state("node002", on: api) == "install.download" })
        }

        // One MAC bound to node003 on c1 and to node004 on c2 at once: one binding everywhere.
        let mac = "52:54:00:0c:0c:0c"
        async let first = apis[0].get("/boot/manual/hostname/node003/\(mac)", authenticated: false)
        async let second = apis[1].get("/boot/manual/hostname/node004/\(mac)", authenticated: false)
        _ = try await (first, second)
        var holders: [[String]] = []
        let converged = try await Self.eventually {
            holders = []
            for api in apis {
                let nodes = try await api.get("/config/node").body?["config"]?["node"]?.objectValue ?? [:]
                holders.append(
                    nodes.filter { $0.value["interfaces"]?.arrayValue?.contains { $0["macaddress"] == .string(mac) } == true }
                        .keys.sorted())
            }
            return holders.allSatisfy { $0 == holders[0] } && holders[0].count == 1
        }
        #expect(converged, "each controller lists one holder of the MAC, the same: \(holders)")
    }
}
