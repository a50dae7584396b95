import Foundation
import LunaModel
import Testing

/// Packing in a trio of real controllers: asked of one that is not the master, the pack
/// runs on the master, its lines reach the controller asked in order, and the files end
/// up verified on all three. Two packs of one image run one after the other; with the
/// master down, a pack is refused with a sentence naming it.
///
/// The tree is a busybox one whose `dracut` only writes a file: it tests the forwarding
/// and the files, not dracut (Deploy/image-pack-vm packs and boots a real Debian tree).
@Suite(.serialized)
struct OSImagePackProcessTests {
    typealias LocalCluster = ReplicationProcessTests.LocalCluster

    static func makeTree(_ tree: String) throws {
        let manager = FileManager.default
        for folder in ["bin", "usr/bin", "boot", "proc", "sys", "dev", "tmp", "etc", "usr/lib/dracut/modules.d/95luna"] {
            try manager.createDirectory(atPath: "\(tree)/\(folder)", withIntermediateDirectories: true)
        }
        try manager.copyItem(atPath: "/bin/busybox", toPath: "\(tree)/bin/busybox")
        for applet in ["sh", "cat", "env", "sleep", "["] {
            try manager.createSymbolicLink(atPath: "\(tree)/bin/\(applet)", withDestinationPath: "busybox")
        }
        try manager.createSymbolicLink(atPath: "\(tree)/usr/bin/env", withDestinationPath: "../../bin/busybox")
        let dracut = """
            #!/bin/sh
            # Stands in for dracut: the last argument is the initrd to write. /etc/slow makes
            # it take long enough to kill the controller meanwhile.
            for last; do :; done
            sleep 1
            if [ -e /etc/slow ]; then sleep 60; fi
            echo "initrd for: $* login: $(cat "$LUNA_NODE_INI")" > "$last" || exit 1
            """
        try dracut.write(toFile: "\(tree)/usr/bin/dracut", atomically: true, encoding: .utf8)
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: "\(tree)/usr/bin/dracut")
        try "module".write(toFile: "\(tree)/usr/lib/dracut/modules.d/95luna/module-setup.sh", atomically: true, encoding: .utf8)
        try Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0) }).write(
            to: URL(fileURLWithPath: "\(tree)/boot/vmlinuz-6.1.0-test"))
        try "packed by the test".write(toFile: "\(tree)/etc/marker", atomically: true, encoding: .utf8)
    }

    static func archiveListing(_ archive: String) throws -> String {
        try LunadProcess.runToExit(at: URL(fileURLWithPath: "/usr/bin/tar"), ["--zstd", "-tf", archive]).output
    }

    /// A cluster of this suite and the fake tree beside it; `remove` takes both away.
    static func cluster() throws -> (LocalCluster, String) {
        var cluster = LocalCluster()
        cluster.linkPorts = false
        let tree = cluster.directory + "-tree"
        try makeTree(tree)
        return (cluster, tree)
    }

    static func remove(_ cluster: LocalCluster, _ tree: String) {
        _ = try? cluster.runBlocking(["down"])
        for folder in [cluster.directory, tree] { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// The lines of a request's stream until it ends (404), in order, with their statuses.
    static func follow(_ request: String, on api: LunadProcess) async throws -> [(text: String, status: Int)] {
        var lines: [(String, Int)] = []
        for _ in 0..<1200 {
            let reply = try await api.get("/config/status/\(request)", authenticated: false)
            if reply.status == 404 { return lines }
            let message = reply.body?["message"]?.stringValue ?? ""
            let status = reply.body?["status"].flatMap { if case .int(let code) = $0 { code } else { nil } } ?? 0
            for line in message.split(separator: ";;") where !line.isEmpty {
                let text = line.components(separatedBy: " :: ").dropFirst().joined(separator: " :: ")
                lines.append((text, status))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return lines
    }

    @Test func aPackAskedOfAnyControllerRunsOnTheMasterAndItsFilesReachAllThree() async throws {
        let (cluster, tree) = try Self.cluster()
        defer { Self.remove(cluster, tree) }
        let up = try await cluster.run(["up", "3"])
        #expect(up.exit == 0, "\(up.output)")
        let apis = (1...3).map(cluster.api)
        let create: JSONValue = ["config": ["osimage": ["fake": ["path": .string(tree)]]]]
        #expect(try await apis[0].post("/config/osimage/fake", create).status == 201)
        for api in apis {
            var present = false
            for _ in 0..<100 where !present {
                present = try await api.get("/config/osimage/fake").status == 200
                if !present { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(present, "the image did not reach the controller on port \(api.port)")
        }

        // c1 is the master; c3 is asked.
        let asked = try await apis[2].get("/config/osimage/fake/_pack")
        #expect(asked.status == 200, "\(asked.text)")
        #expect(asked.body?["message"] == "osimage pack for fake queued")
        let request = try #require(asked.body?["request_id"]?.stringValue)
        let lines = try await Self.follow(request, on: apis[2])
        let texts = lines.map(\.text)
        let order = ["building the initrd of fake", "archiving", "hashing", "finished pack fake"]
        let positions = order.map { step in texts.firstIndex { $0.hasPrefix(step) } }
        #expect(positions.allSatisfy { $0 != nil } && positions == positions.sorted { ($0 ?? 0) < ($1 ?? 0) }, "\(texts)")
        #expect(lines.allSatisfy { $0.status == 200 }, "\(lines)")

        let image = try await apis[1].get("/config/osimage/fake").body?["config"]?["osimage"]?["fake"]
        let files = ["kernelfile", "initrdfile", "imagefile"].compactMap { image?[$0]?.stringValue }
        #expect(files.count == 3 && files.allSatisfy { $0.hasPrefix("fake-") }, "\(String(describing: image))")
        var everywhere = false
        var monitor: JSONValue?
        for _ in 0..<300 where !everywhere {
            monitor = try await apis[1].get("/monitor/osimage/fake", authenticated: false).body?["monitor"]?["status"]?[
                "osimage"]?["fake"]
            everywhere = monitor?["status"] == "200"
            if !everywhere { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(everywhere, "\(String(describing: monitor))\n\(cluster.logTails())")
        #expect(monitor?["state"] == "fake c1 complete, c2 complete, c3 complete")
        let status = try LunadProcess.luna(["cluster", "status", "--url", "http://127.0.0.1:\(cluster.base + 3)"])
        #expect(status.output.contains("image fake: c1 complete, c2 complete, c3 complete"), "\(status.output)")
        let kernel = try Data(contentsOf: URL(fileURLWithPath: "\(tree)/boot/vmlinuz-6.1.0-test"))
        for index in 1...3 {
            let held = FileManager.default.contents(atPath: "\(cluster.directory)/c\(index)/data/files/\(files[0])")
            #expect(held == kernel, "c\(index) holds another kernel")
        }
        let initrd = try String(contentsOfFile: "\(cluster.directory)/c2/data/files/\(files[1])", encoding: .utf8)
        #expect(initrd.contains("--add network-legacy luna") && initrd.contains("USERNAME=node"), "\(initrd)")
        #expect(try await apis[1].get("/files/\(files[0])", authenticated: false).status == 200)
        let listing = try Self.archiveListing("\(cluster.directory)/c3/data/files/\(files[2])")
        #expect(listing.contains("./etc/marker"), "\(listing)")
        #expect(FileManager.default.subpaths(atPath: "\(tree)/tmp")?.isEmpty == true, "the pack left files in the tree")

        // Two packs of one image at once, asked of two controllers: the second waits.
        async let first = apis[1].get("/config/osimage/fake/_pack")
        async let second = apis[2].get("/config/osimage/fake/_pack")
        let (one, two) = try await (first, second)
        let ids = [one, two].compactMap { $0.body?["request_id"]?.stringValue }
        #expect(ids.count == 2)
        let streams = [try await Self.follow(ids[0], on: apis[1]), try await Self.follow(ids[1], on: apis[2])]
        #expect(streams.allSatisfy { $0.contains { $0.text.hasPrefix("finished pack fake") } }, "\(streams)")
        #expect(streams.contains { $0.contains { $0.text.contains("waits for the task running on it") } }, "\(streams)")

        // With the master down, a pack is refused with a sentence that names it.
        #expect(try await cluster.run(["stop", "c1"]).exit == 0)
        let refused = try await apis[1].get("/config/osimage/fake/_pack")
        #expect(refused.status == 503)
        #expect(refused.text.contains("the master controller c1 does not answer"), "\(refused.text)")
        #expect(refused.text.contains("/ha/master/_set"), "\(refused.text)")
    }

    /// A controller killed mid-pack: on its restart the pack is recorded as failed, nodes
    /// stop waiting for it, and the files of the last pack that finished stay current.
    @Test func aPackCutShortByACrashLeavesThePreviousFilesCurrent() async throws {
        let (cluster, tree) = try Self.cluster()
        defer { Self.remove(cluster, tree) }
        #expect(try await cluster.run(["up", "1"]).exit == 0)
        let api = cluster.api(1)
        #expect(
            try await api.post("/config/osimage/fake", ["config": ["osimage": ["fake": ["path": .string(tree)]]]]).status == 201)
        let first = try #require(try await api.get("/config/osimage/fake/_pack").body?["request_id"]?.stringValue)
        #expect(try await Self.follow(first, on: api).contains { $0.text.hasPrefix("finished pack fake") })
        let packed = try await api.get("/config/osimage/fake").body?["config"]?["osimage"]?["fake"]
        let kernel = try #require(packed?["kernelfile"]?.stringValue)
        let archive = try #require(packed?["imagefile"]?.stringValue)

        try "slow".write(toFile: "\(tree)/etc/slow", atomically: true, encoding: .utf8)
        let second = try #require(try await api.get("/config/osimage/fake/_pack").body?["request_id"]?.stringValue)
        var packing = false
        for _ in 0..<100 where !packing {
            let state = try await api.get("/monitor/osimage/fake", authenticated: false).body
            packing = state?["monitor"]?["status"]?["osimage"]?["fake"]?["state"]?.stringValue?.contains("packing") == true
            if !packing { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(packing, "the second pack never showed as packing")
        #expect(try await cluster.run(["stop", "c1", "--kill"]).exit == 0)
        #expect(try await cluster.run(["start", "c1"]).exit == 0)
        var ended = false
        var state = ""
        for _ in 0..<100 where !ended {
            state =
                try await api.get("/monitor/osimage/fake", authenticated: false).body?["monitor"]?["status"]?["osimage"]?[
                    "fake"]?[
                    "state"]?.stringValue ?? ""
            ended = !state.contains("packing")
            if !ended { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ended, "the cut pack still shows as packing: \(state)")
        let after = try await api.get("/config/osimage/fake").body?["config"]?["osimage"]?["fake"]
        #expect(after?["kernelfile"]?.stringValue == kernel && after?["imagefile"]?.stringValue == archive)
        let story = try LunadProcess.luna(["log", "inspect", "--data-dir", "\(cluster.directory)/c1/data", "--object", "fake"])
        #expect(story.output.contains("OSImage.packFailed") && story.output.contains(second), "\(story.output)")
        #expect(try await api.get("/files/\(kernel)", authenticated: false).status == 200)
    }

    @Test func anImageWithoutATreeOrAKernelIsRefusedBeforeAnythingRuns() async throws {
        let (cluster, tree) = try Self.cluster()
        defer { Self.remove(cluster, tree) }
        #expect(try await cluster.run(["up", "1"]).exit == 0)
        let api = cluster.api(1)
        #expect(try await api.get("/config/osimage/nosuch/_pack").status == 404)
        #expect(
            try await api.post("/config/osimage/bare", ["config": ["osimage": ["bare": ["comment": "no path"]]]]).status == 201)
        let bare = try await api.get("/config/osimage/bare/_pack")
        #expect(bare.status == 400 && bare.text.contains("has no path"), "\(bare.text)")
        #expect(
            try await api.post("/config/osimage/fake", ["config": ["osimage": ["fake": ["path": .string(tree)]]]]).status == 201)
        let kernel = try await api.post(
            "/config/osimage/fake/kernel", ["config": ["osimage": ["fake": ["kernelversion": "9.9"]]]])
        #expect(kernel.status == 400 && kernel.text.contains("has no kernel 9.9"), "\(kernel.text)")
        #expect(kernel.text.contains("6.1.0-test"), "\(kernel.text)")

        // A clone copies the tree to the path given; an image without a tree clones as a row.
        let copy = cluster.directory + "-clone"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let clone = try await api.post(
            "/config/osimage/fake/_clone", ["config": ["osimage": ["fake": ["newosimage": "copy", "path": .string(copy)]]]])
        #expect(clone.status == 200 && clone.body?["message"] == "osimage clone for fake queued", "\(clone.text)")
        let cloned = try await Self.follow(try #require(clone.body?["request_id"]?.stringValue), on: api)
        #expect(
            cloned.contains { $0.text.hasPrefix("finished clone fake") } && cloned.allSatisfy { $0.status == 200 }, "\(cloned)")
        #expect(FileManager.default.fileExists(atPath: copy + "/etc/marker"))
        #expect(try await api.get("/config/osimage/copy").body?["config"]?["osimage"]?["copy"]?["path"] == .string(copy))
        let rowOnly = try await api.post(
            "/config/osimage/bare/_clone", ["config": ["osimage": ["bare": ["newosimage": "bare2"]]]])
        let rowLines = try await Self.follow(try #require(rowOnly.body?["request_id"]?.stringValue), on: api)
        #expect(rowLines.contains { $0.text.contains("no tree") } && rowLines.allSatisfy { $0.status == 200 }, "\(rowLines)")
        #expect(try await api.get("/config/osimage/bare2").status == 200)
        let taken = try await api.post(
            "/config/osimage/fake/_clone", ["config": ["osimage": ["fake": ["newosimage": "copy2", "path": .string(copy)]]]])
        #expect(taken.status == 400 && taken.text.contains("exists already"), "\(taken.text)")

        // No grab, clone or push ever works on / or a top-level folder.
        #expect(try await api.post("/config/osimage/top", ["config": ["osimage": ["top": ["path": "/usr"]]]]).status == 201)
        for (path, body) in [
            ("/config/osimage/top/_clone", ["config": ["osimage": ["top": ["newosimage": "top2"]]]] as JSONValue),
            ("/config/node/node001/_osgrab", ["config": ["node": ["node001": ["osimage": "top", "nodry": true]]]]),
            ("/config/node/node001/_ospush", ["config": ["node": ["node001": ["osimage": "top"]]]]),
        ] {
            let refused = try await api.post(path, body)
            #expect(refused.status == 400 && refused.text.contains("at least two levels deep"), "\(path): \(refused.text)")
        }

        // Without [IMAGES] SSH_KEY a push is taken and its lines say why nothing was copied.
        let push = try await api.post("/config/node/node001/_ospush", ["config": ["node": ["node001": ["osimage": "fake"]]]])
        let pushLines = try await Self.follow(try #require(push.body?["request_id"]?.stringValue), on: api)
        #expect(pushLines.contains { $0.status == 500 && $0.text.contains("set [IMAGES] SSH_KEY") }, "\(pushLines)")

        // The CLI follows the pack to its end, and says why a kernel change is refused.
        let url = "http://127.0.0.1:\(cluster.base + 1)"
        let packed = try LunadProcess.luna(["osimage", "pack", "fake", "--url", url])
        #expect(packed.exit == 0, "\(packed.output)")
        #expect(
            packed.output.contains("osimage pack for fake queued") && packed.output.contains("finished pack fake"),
            "\(packed.output)")
        let refused = try LunadProcess.luna(["osimage", "kernel", "fake", "9.9", "--url", url])
        #expect(refused.exit == 1)
        #expect(refused.output.contains("luna: Invalid request: OS image fake has no kernel 9.9"), "\(refused.output)")
    }
}
