import Foundation
import LunaModel
import Testing

/// Torrent provisioning: a trio packs an image (its archive and its .torrent), every
/// controller seeds the archive, and three "nodes" (network namespaces of Deploy/ssh-nodes)
/// run the shipped torrent plugin at once against the tracker at the address nodes reach.
/// Each must end with the archive, byte for byte. In the grab and push suite, whose tests
/// use the same namespaces one at a time; needs Debian's aria2 as well.
extension OSImageGrabPushProcessTests {
    /// The provision plugin's fetch segment as a bash function, as the installer holds it.
    static func fetchFunction() throws -> String {
        let plugin = try String(
            contentsOf: LunadProcess.root.appendingPathComponent("Plugins/boot/provision/torrent.sh"), encoding: .utf8)
        let segment = try #require(plugin.components(separatedBy: "#@ segment fetch\n").last)
        return "download_torrent() {\n\(segment)\n}\ndownload_torrent\n"
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/aria2c"), "the nodes download with aria2c"))
    func threeNodesDownloadOneArchiveAtOnceThroughTheTrackerAndTheSeeders() async throws {
        var cluster = LocalCluster()
        cluster.linkPorts = false
        cluster.apiBind = "0.0.0.0"
        let nodes = cluster.directory + "-ssh"
        let tree = cluster.directory + "-tree"
        defer {
            _ = try? cluster.runBlocking(["down"])
            _ = try? Self.sshNodes(["down", "--dir", nodes])
            for folder in [cluster.directory, tree] { try? FileManager.default.removeItem(atPath: folder) }
        }
        try OSImagePackProcessTests.makeTree(tree)
        // Enough bytes for many pieces, which the nodes trade among themselves.
        var random = SystemRandomNumberGenerator()
        try Data((0..<(12 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) })
            .write(to: URL(fileURLWithPath: tree + "/etc/payload"))
        let up = try await LunadProcess.runAside(
            at: LunadProcess.root.appendingPathComponent("Deploy/ssh-nodes"), ["up", "3", "--dir", nodes])
        try #require(up.exit == 0, "\(up.output)")
        let started = try await cluster.run(["up", "3"])
        try #require(started.exit == 0, "\(started.output)")
        let api = cluster.api(1)
        let url = "http://10.151.0.1:\(cluster.base + 1)"

        // Nodes reach c1, the beacon controller, at the lab bridge's address.
        let setup: JSONValue = [
            "config": [
                "cluster": [
                    "beacon_ip": "10.151.0.1", "controller": ["c1": ["serverport": .int(cluster.base + 1)]],
                ]
            ]
        ]
        #expect(try await api.post("/config/cluster", setup).status == 204)
        #expect(
            try await api.post("/config/osimage/fake", ["config": ["osimage": ["fake": ["path": .string(tree)]]]]).status == 201)
        let pack = try await api.get("/config/osimage/fake/_pack")
        let lines = try await OSImagePackProcessTests.follow(try #require(pack.body?["request_id"]?.stringValue), on: api)
        #expect(
            lines.contains { $0.text.hasPrefix("making the torrent of fake-") && $0.text.contains("\(url)/announce") }, "\(lines)"
        )

        let image = try await api.get("/config/osimage/fake").body?["config"]?["osimage"]?["fake"]
        let archive = try #require(image?["imagefile"]?.stringValue)
        let original = try Data(contentsOf: URL(fileURLWithPath: "\(cluster.directory)/c1/data/files/\(archive)"))
        // The three seeders announce once their controller holds the archive and torrent.
        var seeders = 0
        for _ in 0..<600 where seeders < 3 {
            seeders = try await Self.scrape(url)?.complete ?? 0
            if seeders < 3 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(seeders == 3, "the tracker lists \(seeders) seeders\n\(cluster.logTails())")

        let token = try #require(
            try await api.post("/token", ["username": "luna", "password": "luna"]).body?["token"]?.stringValue)
        // The three downloads at once, on a thread of their own: the test process's other
        // tests share its few cooperative threads.
        for index in 1...3 {
            try FileManager.default.createDirectory(
                atPath: "\(nodes)/node\(index)/root/sysroot", withIntermediateDirectories: true)
        }
        let all = try await LunadProcess.runAside(
            at: URL(fileURLWithPath: "/usr/bin/env"),
            [
                "FETCH=\(try Self.fetchFunction())", "NODES=\(nodes)", "LUNA_IMAGEFILE=\(archive)", "LUNA_URL=\(url)",
                "LUNA_FILES_URL=\(url)/files", "LUNA_TOKEN=\(token)", "LUNA_CURL=curl -sS --fail --connect-timeout 10",
                "bash", "-c",
                """
                for k in 1 2 3; do
                    (LUNA_SYSTEMROOT=$NODES/node$k/root/sysroot ip netns exec lunassh-node$k bash -c "$FETCH" \
                        > "$NODES/node$k.out" 2>&1; echo $? > "$NODES/node$k.rc") &
                done
                wait
                """,
            ])
        #expect(all.exit == 0, "\(all.output)")
        for index in 1...3 {
            let exit = try String(contentsOfFile: "\(nodes)/node\(index).rc", encoding: .utf8)
            let output = (try? String(contentsOfFile: "\(nodes)/node\(index).out", encoding: .utf8)) ?? ""
            #expect(exit.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "node\(index): \(output)")
            let fetched = FileManager.default.contents(atPath: "\(nodes)/node\(index)/root/sysroot/\(archive)")
            #expect(fetched == original, "node\(index) holds another archive (\(fetched?.count ?? 0) bytes)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(nodes)/node\(index)/root/sysroot")
            #expect(leftovers == [archive], "node\(index) kept \(leftovers)")
        }
        // Each node told the tracker it completed.
        #expect(try await Self.scrape(url)?.downloaded == 3)
    }

    /// The tracker's counts for the cluster's one torrent.
    static func scrape(_ url: String) async throws -> (complete: Int, downloaded: Int)? {
        let text = try LunadProcess.runToExit(at: URL(fileURLWithPath: "/usr/bin/curl"), ["-s", "\(url)/scrape"]).output
        // d5:filesd20:<hash>d8:completei3e10:downloadedi0e10:incompletei0eeee
        func count(_ key: String) -> Int? {
            guard let range = text.range(of: "\(key)i") else { return nil }
            return Int(text[range.upperBound...].prefix { $0.isNumber })
        }
        guard let complete = count("8:complete"), let downloaded = count("10:downloaded") else { return nil }
        return (complete, downloaded)
    }
}
