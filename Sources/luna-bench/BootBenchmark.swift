import ArgumentParser
import Foundation
import LunaModel
import Synchronization

/// Netboot under load with 1,000 nodes: installers rendered, MACs searched and the menu
/// served (each against /version in the same run), image downloads against `cat` of the
/// same file, and admin writes while nodes report install states against writes alone.
struct BootBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "boot", abstract: "Boot and install routes under load.")

    @Option(help: "Nodes loaded before measuring.")
    var nodes = 1000

    @Option(help: "Seconds per wrk run.")
    var seconds = 5

    @Option(help: "Concurrent downloads of the image file.")
    var downloads = 50

    @Option(help: "Size of the image file in MiB.")
    var imageMiB = 1024

    func run() async throws {
        let lunad = try await BenchController(fsync: true)
        let image: JSONValue = [
            "config": [
                "osimage": ["compute-image": ["kernelfile": "vmlinuz", "initrdfile": "initrd.img", "imagefile": "image.tar.gz"]]
            ]
        ]
        guard try await lunad.request(.POST, "/config/osimage/compute-image", image).status == 204 else {
            throw BenchFailure(description: "setting the image files failed")
        }
        for index in 0..<nodes {
            let name = String(format: "n%04d", index)
            let body: JSONValue = [
                "config": [
                    "node": .object([
                        name: [
                            "group": "compute-group",
                            "interfaces": [["interface": "BOOTIF", "macaddress": .string(Self.mac(index))]],
                        ]
                    ])
                ]
            ]
            let reply = try await lunad.request(.POST, "/config/node/\(name)", body)
            guard reply.status == 201 else { throw BenchFailure(description: "creating \(name) answered \(reply.status)") }
        }
        let base = "http://127.0.0.1:\(lunad.port)"
        let wrk = { (path: String, script: String?) in
            try WrkRun(url: base + path, token: lunad.token, seconds: seconds, script: script).run()
        }
        let installScript = Self.roundScript(nodes: nodes, path: #""/boot/install/" .. name"#)
        let version = try wrk("/version", nil)
        // A first round renders every installer once, so the measured runs see nodes
        // already at install.rendered: what a cluster booting repeatedly looks like.
        _ = try wrk("/boot/install/n0000", installScript)
        let crowded = try wrk("/boot/install/n0000", installScript)
        // Two connections per core: the machine is as busy, and the latency is the render's,
        // not that of a queue of 16 requests on 2 cores.
        let install = try WrkRun(
            url: base + "/boot/install/n0000", token: lunad.token, seconds: seconds, connections: 4, script: installScript
        ).run()
        let search = try wrk("/boot/search/mac/x", Self.roundScript(nodes: nodes, path: #""/boot/search/mac/" .. mac"#))
        let menu = try wrk("/boot", nil)

        let writesAlone = try wrk("/config/node/n0001", APIBenchmark.changeScript(nodes: nodes))
        let (writesBeside, states) = try Self.besideStates(base: base, token: lunad.token, seconds: seconds, nodes: nodes)

        let file = lunad.directory + "/data/files/image.tar.gz"
        try Self.writeFile(file, mebibytes: imageMiB)
        let cat = try Self.timed { try Self.runToEnd("/bin/cat", [file], discard: true) }
        let served = try Self.timed {
            try Self.parallel(count: downloads) {
                try Self.runToEnd(
                    "/usr/bin/curl",
                    ["-s", "--fail", "-o", "/dev/null", "-H", "x-access-tokens: \(lunad.token)", base + "/files/image.tar.gz"],
                    discard: true)
            }
        }
        let nginx = try Self.nginxDownloads(file: file, count: downloads)
        await lunad.stop()

        let mib = Double(imageMiB)
        let catRate = mib / cat
        let servedRate = mib * Double(downloads) / served
        print(
            "boot: installer  \(format(install.requestsPerSecond)) renders/s at 4 connections (p50 \(install.p50), p99 \(install.p99)), at 16 \(format(crowded.requestsPerSecond)) (p50 \(crowded.p50), p99 \(crowded.p99)); /version \(format(version.requestsPerSecond)) req/s, ratio \(ratio(install.requestsPerSecond, version.requestsPerSecond))"
        )
        print(
            "boot: MAC search \(format(search.requestsPerSecond)) req/s (p99 \(search.p99)), ratio to /version \(ratio(search.requestsPerSecond, version.requestsPerSecond))"
        )
        print(
            "boot: menu       \(format(menu.requestsPerSecond)) req/s of \(nodes) nodes (p99 \(menu.p99)), ratio to /version \(ratio(menu.requestsPerSecond, version.requestsPerSecond))"
        )
        print(
            "boot: files      \(downloads) downloads of \(imageMiB) MiB: \(format(servedRate)) MiB/s in all, cat to /dev/null \(format(catRate)) MiB/s, ratio \(ratio(servedRate, catRate))"
        )
        if let nginx {
            let nginxRate = mib * Double(downloads) / nginx
            print(
                "boot: files      the same downloads from nginx with sendfile \(format(nginxRate)) MiB/s, ratio \(ratio(servedRate, nginxRate))"
            )
        }
        print(
            "boot: writes     node changes \(format(writesBeside.requestsPerSecond)) req/s (p99 \(writesBeside.p99)) while nodes report \(format(states.requestsPerSecond)) states/s, alone \(format(writesAlone.requestsPerSecond)) req/s (p99 \(writesAlone.p99)), ratio \(ratio(writesBeside.requestsPerSecond, writesAlone.requestsPerSecond))"
        )
        for (name, run) in [
            ("installer", install), ("search", search), ("menu", menu), ("writes", writesBeside), ("states", states),
        ] {
            if let errors = run.errors { print("boot: \(name): \(errors.trimmingCharacters(in: .whitespaces))") }
        }
        let p99 = Self.milliseconds(install.p99)
        let met =
            install.requestsPerSecond >= 500 && (p99 ?? .infinity) <= 10 && search.requestsPerSecond >= 5000
            && servedRate >= 0.7 * catRate
        print(
            "boot: targets (installer >= 500/s with p99 <= 10 ms, MAC search >= 5000/s, files >= 70% of cat): \(met ? "met" : "not met")"
        )
    }

    static func mac(_ index: Int) -> String {
        String(format: "52:54:00:%02x:%02x:%02x", (index >> 16) & 0xff, (index >> 8) & 0xff, index & 0xff)
    }

    /// wrk's Lua: each request names the next node (or its MAC), round the loaded ones;
    /// `path` is a Lua expression of `name` and `mac`.
    static func roundScript(nodes: Int, path: String) -> String {
        """
        local counter = 0
        request = function()
            counter = counter + 1
            local index = counter % \(nodes)
            local name = string.format("n%04d", index)
            local mac = string.format("52:54:00:%02x:%02x:%02x", math.floor(index / 65536) % 256, math.floor(index / 256) % 256, index % 256)
            return wrk.format(nil, \(path))
        end
        """
    }

    /// Node changes under wrk while a second wrk posts install states, both at once.
    static func besideStates(base: String, token: String, seconds: Int, nodes: Int) throws -> (WrkRun.Result, WrkRun.Result) {
        let script = """
            local counter = 0
            local states = {"install.prescript", "install.partscript", "install.download", "install.unpack", "install.setnet"}
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            request = function()
                counter = counter + 1
                local name = string.format("n%04d", counter % \(nodes))
                local state = states[(counter % #states) + 1]
                local body = '{"monitor":{"status":{"' .. name .. '":{"state":"' .. state .. '"}}}}'
                return wrk.format(nil, "/monitor/node/" .. name, nil, body)
            end
            """
        let states = Mutex<Result<WrkRun.Result, Error>?>(nil)
        let thread = Thread {
            let result = Result {
                try WrkRun(url: base + "/monitor/node/n0000", token: token, seconds: seconds, script: script).run()
            }
            states.withLock { $0 = result }
        }
        thread.start()
        let writes = try WrkRun(
            url: base + "/config/node/n0001", token: token, seconds: seconds, script: APIBenchmark.changeScript(nodes: nodes)
        ).run()
        while true {
            if let result = states.withLock({ $0 }) { return (writes, try result.get()) }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// The same downloads from nginx (sendfile on) where it is installed: what serving the
    /// file over loopback TCP to curl costs at best, beside cat's page-cache ceiling.
    static func nginxDownloads(file: String, count: Int) throws -> Double? {
        let binary = "/usr/sbin/nginx"
        guard FileManager.default.isExecutableFile(atPath: binary) else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("luna-bench-nginx-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let port = Int.random(in: 40001...50000)
        let directory = (file as NSString).deletingLastPathComponent
        try """
        worker_processes 2;
        pid \(folder)/nginx.pid;
        error_log \(folder)/error.log;
        events { worker_connections 1024; }
        http {
            access_log off;
            sendfile on;
            tcp_nopush on;
            server { listen 127.0.0.1:\(port); location /files/ { alias \(directory)/; } }
        }
        """.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["-c", folder + "/nginx.conf", "-g", "daemon off;"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        // Listening once a request is answered (404 for the folder itself is an answer).
        for _ in 0..<100 {
            if (try? runToEnd("/usr/bin/curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(port)/"], discard: true)) != nil {
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let name = (file as NSString).lastPathComponent
        return try timed {
            try parallel(count: count) {
                try runToEnd(
                    "/usr/bin/curl", ["-s", "--fail", "-o", "/dev/null", "http://127.0.0.1:\(port)/files/\(name)"], discard: true)
            }
        }
    }

    static func writeFile(_ path: String, mebibytes: Int) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let chunk = Data(repeating: 0x5a, count: 1 << 20)
        for _ in 0..<mebibytes { try handle.write(contentsOf: chunk) }
        try handle.close()
        // Read once so both measurements start from the page cache.
        try runToEnd("/bin/cat", [path], discard: true)
    }

    static func timed(_ body: () throws -> Void) throws -> Double {
        let started = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func parallel(count: Int, _ body: @escaping @Sendable () throws -> Void) throws {
        let failure = Mutex<Error?>(nil)
        DispatchQueue.concurrentPerform(iterations: count) { _ in
            do {
                try body()
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    static func runToEnd(_ program: String, _ arguments: [String], discard: Bool) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = discard ? FileHandle.nullDevice : nil
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchFailure(description: "\(program) \(arguments.last ?? "") exited with \(process.terminationStatus)")
        }
    }

    /// wrk's latency text (`812.00us`, `3.21ms`, `1.02s`) in milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}
