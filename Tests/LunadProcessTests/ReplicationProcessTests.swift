import AsyncHTTPClient
import Foundation
import LunaModel
import LunaReplication
import LunaTransport
import NIOCore
import Synchronization
import Testing

/// Three lunad on loopback replicating over mutual TLS, started the way people try
/// Luna: Deploy/local-cluster.
@Suite(.serialized)
struct ReplicationProcessTests {
    struct LocalCluster {
        let directory = LunadProcess.temporaryDirectory("cluster")
        let base = LocalCluster.freshBase()
        /// Bases handed out in this process: two clusters of tests running side by side never share one.
        private static let bases = Mutex<Set<Int>>([])

        /// A port base below the kernel's ephemeral range (32768 up), where the ports other
        /// tests are given by the kernel never land; each cluster uses base+1 … base+400, so
        /// bases lie 500 apart (100 apart, one cluster's peer port was another's API port).
        static func freshBase() -> Int {
            bases.withLock { taken in
                var base: Int
                repeat { base = 10000 + Int.random(in: 0..<45) * 500 } while taken.contains(base)
                taken.insert(base)
                return base
            }
        }

        /// Whether controllers reach each other through the per-link ports a test can cut.
        var linkPorts = true
        var compactAge = "1h"
        /// Where the APIs listen: 0.0.0.0 lets a lab's namespaces reach them.
        var apiBind = "127.0.0.1"

        /// Runs the script on a thread of its own, so the tests' few shared threads go on
        /// meanwhile; `environment` is added for this run only (and the controllers it starts).
        @discardableResult
        func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> (
            exit: Int32, output: String
        ) {
            let cluster = self
            return try await withCheckedThrowingContinuation { continuation in
                Thread { continuation.resume(with: Result { try cluster.runBlocking(arguments, environment: extra) }) }.start()
            }
        }

        /// Runs the script on the calling thread, for a cleanup that cannot wait asynchronously.
        @discardableResult
        func runBlocking(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (
            exit: Int32, output: String
        ) {
            let process = Process()
            process.executableURL = LunadProcess.root.appendingPathComponent("Deploy/local-cluster")
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(
                [
                    "LUNA_CLUSTER_DIR": directory, "LUNA_BUILD": "debug", "LUNA_PORT_BASE": String(base),
                    "LUNA_LINK_PORTS": linkPorts ? "1" : "0", "LUNA_COMPACT_AGE": compactAge, "LUNA_API_BIND": apiBind,
                ].merging(extra) { $1 }
            ) { $1 }
            // A file, not a pipe: the controllers the script starts outlive it, and a pipe
            // they might inherit would never reach end-of-file.
            // Beside the cluster's folder, which `down` removes.
            let output = directory + "-\(UUID()).out"
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            process.waitUntilExit()
            try handle.close()
            let text = try String(contentsOfFile: output, encoding: .utf8)
            try? FileManager.default.removeItem(atPath: output)
            return (process.terminationStatus, text)
        }

        /// Stops every controller and removes the cluster's folder.
        func tearDown() {
            _ = try? runBlocking(["down"])
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// The last lines each controller logged, for a failure message.
        func logTails(_ count: Int = 3) -> String {
            (1...count).map { index in
                let log = (try? String(contentsOfFile: directory + "/c\(index)/lunad.log", encoding: .utf8)) ?? ""
                return "c\(index):\n" + log.split(separator: "\n").suffix(15).joined(separator: "\n")
            }.joined(separator: "\n")
        }

        /// A proxy on every directed link between the three controllers (the ports
        /// `LUNA_LINK_PORTS` makes them use), keyed by (from, to).
        func links() async throws -> [[Int]: LinkProxy] {
            var links: [[Int]: LinkProxy] = [:]
            for from in 1...3 {
                for to in 1...3 where to != from {
                    links[[from, to]] = try await LinkProxy(port: base + 300 + 10 * from + to, target: base + 100 + to)
                }
            }
            return links
        }

        func api(_ index: Int) -> LunadProcess {
            LunadProcess(dataDirectory: directory + "/c\(index)/data", port: base + index)
        }
    }

    static func create(_ node: String, on lunad: LunadProcess, comment: String = "") async -> Bool {
        let body: JSONValue = ["config": ["node": .object([node: ["group": "compute-group", "comment": .string(comment)]])]]
        return (try? await lunad.post("/config/node/\(node)", body))?.status == 201
    }

    static func nodes(_ lunad: LunadProcess) async -> [String: JSONValue] {
        (try? await lunad.get("/config/node"))?.body?["config"]?["node"]?.objectValue ?? [:]
    }

    /// Waits until the three list the same nodes, at least `expected` of them.
    static func converge(_ apis: [LunadProcess], expected: Int) async throws -> (Bool, [[String: JSONValue]]) {
        var listings: [[String: JSONValue]] = []
        for _ in 0..<300 {
            listings = []
            for api in apis { listings.append(await Self.nodes(api)) }
            if listings.allSatisfy({ $0 == listings[0] }) && listings[0].count >= expected { return (true, listings) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (false, listings)
    }

    @Test func threeControllersConvergeThroughAKillAPartitionAndConflictingWrites() async throws {
        let cluster = LocalCluster()
        let links = try await cluster.links()
        defer {
            _ = try? cluster.runBlocking(["down"])
            try? FileManager.default.removeItem(atPath: cluster.directory)
        }
        let up = try await cluster.run(["up", "3"])
        #expect(up.exit == 0, "\(up.output)")
        #expect(up.output.split(separator: "\n").filter { $0.hasPrefix("c") }.count == 3)
        let apis = (1...3).map(cluster.api)
        for api in apis {
            var seeded = false
            for _ in 0..<100 where !seeded {
                seeded = await Self.nodes(api)["node001"] != nil
                if !seeded { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(seeded, "controller on port \(api.port) never pulled the bootstrap")
        }

        let acknowledged = Acknowledged()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, api) in apis.enumerated() {
                group.addTask {
                    for number in 0..<20 where await Self.create("w\(index)n\(number)", on: api) {
                        await acknowledged.add("w\(index)n\(number)")
                    }
                    _ = await Self.create("shared", on: api, comment: "from c\(index + 1)")
                }
            }
            try await group.waitForAll()
        }
        #expect(try await cluster.run(["stop", "c2", "--kill"]).exit == 0)
        for number in 0..<10 where await Self.create("late\(number)", on: apis[0]) { await acknowledged.add("late\(number)") }
        #expect(try await cluster.run(["start", "c2"]).exit == 0)

        var (converged, listings) = try await Self.converge(apis, expected: 4 + (await acknowledged.names.count))
        #expect(converged, "the controllers hold \(listings.map(\.count)) nodes\n\(cluster.logTails())")

        // A partition: c3 refuses its peers' connections and reaches none of them. Both
        // sides take writes; once healed, everything is everywhere.
        for (link, proxy) in links where link.contains(3) { proxy.set(cut: true) }
        for number in 0..<5 {
            if await Self.create("cut1n\(number)", on: apis[0]) { await acknowledged.add("cut1n\(number)") }
            if await Self.create("cut3n\(number)", on: apis[2]) { await acknowledged.add("cut3n\(number)") }
        }
        try await Task.sleep(for: .seconds(1))
        #expect(await Self.nodes(apis[0])["cut3n0"] == nil, "c3's writes cannot reach c1 through the partition")
        #expect(await Self.nodes(apis[2])["cut1n0"] == nil, "nor c1's c3")
        for proxy in links.values { proxy.set(cut: false) }
        (converged, listings) = try await Self.converge(apis, expected: 4 + (await acknowledged.names.count))
        #expect(converged, "after the partition the controllers hold \(listings.map(\.count)) nodes\n\(cluster.logTails())")

        let names = await acknowledged.names
        for (index, listing) in listings.enumerated() {
            #expect(names.isSubset(of: Set(listing.keys)), "c\(index + 1) lost acknowledged writes")
        }
        let winners = Set(listings.compactMap { $0["shared"]?["comment"] })
        #expect(winners.count == 1, "one winner for the node created on all three at once, not \(winners)")

        var agreed = false
        var status: JSONValue = .null
        for _ in 0..<100 where !agreed {
            let asked = try LunadProcess.luna(["cluster", "status", "--url", "http://127.0.0.1:\(cluster.base + 2)", "--json"])
            status = (try? JSONParser.parse(asked.output.trimmingCharacters(in: .whitespacesAndNewlines))) ?? .null
            agreed = (status["merkle"]?.objectValue?.values.allSatisfy { $0 == .bool(true) } ?? false)
            if !agreed { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(agreed, "luna cluster status: \(status.canonicalText)\n\(cluster.logTails())")
        #expect(status["members"]?.arrayValue?.map { $0["name"]?.stringValue ?? "" }.sorted() == ["c1", "c2", "c3"])
        #expect(status["members"]?.arrayValue?.allSatisfy { $0["insync"] == .bool(true) && $0["lag_events"] == .int(0) } == true)
        for proxy in links.values { await proxy.close() }
    }

    /// A fourth controller joins a running trio whose logs were compacted: it starts from
    /// a member's snapshot, pulls the tail, takes writes, and every member reaches it.
    @Test func aControllerJoinsFromASnapshotAndTheLogTail() async throws {
        var cluster = LocalCluster()
        cluster.linkPorts = false
        cluster.compactAge = "0s"
        defer { cluster.tearDown() }
        #expect(try await cluster.run(["up", "3"]).exit == 0)
        let apis = (1...3).map(cluster.api)
        for number in 0..<20 {
            var created = false
            for _ in 0..<50 where !created {
                created = await Self.create("before\(number)", on: apis[number % 3])
                if !created { try await Task.sleep(for: .milliseconds(100)) }
            }
        }
        let snapshot = cluster.directory + "/c1/data/log/snapshot.lunasnap"
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: snapshot) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(FileManager.default.fileExists(atPath: snapshot), "c1 compacted its log\n\(cluster.logTails())")

        let joined = try await cluster.run(["join", "c4"])
        #expect(joined.exit == 0, "\(joined.output)")
        #expect(joined.output.contains("snapshot"), "\(joined.output)")
        // c4's lunad runs on the directory now: the join is refused by its lock first.
        let again = try LunadProcess.luna(["cluster", "join", "--config", cluster.directory + "/c4/luna.ini"])
        #expect(again.exit != 0 && again.output.contains("is in use by another lunad"), "\(again.output)")
        #expect(try await cluster.run(["stop", "c4"]).exit == 0)
        let stopped = try LunadProcess.luna(["cluster", "join", "--config", cluster.directory + "/c4/luna.ini"])
        #expect(stopped.exit != 0 && stopped.output.contains("holds a cluster already"), "\(stopped.output)")
        #expect(try await cluster.run(["start", "c4"]).exit == 0)

        let all = (1...4).map(cluster.api)
        var created = false
        for _ in 0..<100 where !created {
            created = await Self.create("fromc4", on: all[3])
            if !created { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(created, "c4 takes writes once in sync\n\(cluster.logTails(4))")
        _ = await Self.create("afterjoin", on: apis[0])
        let (converged, listings) = try await Self.converge(all, expected: 4 + 20 + 2)
        #expect(converged, "the four hold \(listings.map(\.count)) nodes\n\(cluster.logTails(4))")
        let status = try LunadProcess.luna(["cluster", "status", "--url", "http://127.0.0.1:\(cluster.base + 1)", "--json"])
        let members = (try? JSONParser.parse(status.output.trimmingCharacters(in: .whitespacesAndNewlines)))?["members"]
        #expect(members?.arrayValue?.map { $0["name"]?.stringValue ?? "" }.sorted() == ["c1", "c2", "c3", "c4"])
    }

    @Test func aPeerWithACertificateFromAnotherCAIsRefused() async throws {
        let cluster = LocalCluster()
        defer {
            _ = try? cluster.runBlocking(["down"])
            try? FileManager.default.removeItem(atPath: cluster.directory)
        }
        #expect(try await cluster.run(["up", "1"]).exit == 0)
        let rogue = cluster.directory + "/rogue"
        #expect(try LunadProcess.luna(["cluster", "certs", "--out", rogue, "--controllers", "c2"]).exit == 0)
        let url = "https://127.0.0.1:\(cluster.base + 101)/replication/messages"

        let genuine = try await Self.post(
            url, tls: PeerTLS(certificates: ClusterCertificates(folder: cluster.directory + "/certs"), controller: "c1"))
        #expect(genuine == 400, "a member's certificate reaches the route (and an empty body is refused there)")
        let refused = try? await Self.post(url, tls: PeerTLS(certificates: ClusterCertificates(folder: rogue), controller: "c2"))
        #expect(refused == nil, "a certificate from another CA must not get through the handshake")

        // A member's certificate speaks for that member only.
        #expect(
            try LunadProcess.luna(["cluster", "certs", "--out", cluster.directory + "/certs", "--controllers", "c2"]).exit == 0)
        let c2 = try PeerTLS(certificates: ClusterCertificates(folder: cluster.directory + "/certs"), controller: "c2")
        let message = { (from: String) in
            PeerCodec.encode(PeerMessage(from: from, clock: VectorClock(), time: HybridTime(millis: 1), body: .pull))
        }
        #expect(try await Self.post(url, tls: c2, body: message("c2")) == 204)
        #expect(try await Self.post(url, tls: c2, body: message("c3")) == 403, "c2's certificate cannot speak for c3")
        let join = "https://127.0.0.1:\(cluster.base + 101)/replication/join"
        let asC5 = JSONValue.object(["name": "c5", "address": "127.0.0.1:1"]).canonicalBytes
        #expect(try await Self.post(join, tls: c2, body: asC5) == 403, "nor join as c5")
    }

    static func post(_ url: String, tls: PeerTLS, body: [UInt8] = []) async throws -> UInt {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls.client))
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(5))
        return response.status.code
    }
}
