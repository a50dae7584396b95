import Foundation
import LunaModel
import Testing

extension LifecycleProcessTests {
    /// A rolling upgrade on real processes: a trio runs as the previous release
    /// (`lunad --previous-intents`) under a stream of writes, and is upgraded one controller at
    /// a time. The first upgraded one writes an event of a newer intent version (a BMC
    /// request's audit, version 2); the old ones keep it unapplied and refuse writes with
    /// "upgrade needed" until they are upgraded too. At the end every acknowledged write is
    /// everywhere and the views agree table by table.
    @Suite(.serialized)
    struct UpgradeProcessTests {
        @Test func aTrioIsUpgradedOneControllerAtATimeUnderWrites() async throws {
            var cluster = ReplicationProcessTests.LocalCluster()
            cluster.linkPorts = false
            defer { cluster.tearDown() }
            let previous = ["LUNA_LUNAD_FLAGS": "--previous-intents"]
            #expect(try await cluster.run(["up", "3"], environment: previous).exit == 0)
            var c = (1...3).map(cluster.api)
            let bmc: [(String, JSONValue)] = [
                ("/config/network/bmcnowhere", ["config": ["network": ["bmcnowhere": ["network": "127.0.77.0/24"]]]]),
                ("/config/bmcsetup/nowhere", ["config": ["bmcsetup": ["nowhere": ["username": "admin", "password": "x"]]]]),
                (
                    "/config/node/withbmc",
                    [
                        "config": [
                            "node": [
                                "withbmc": [
                                    "group": "compute-group", "bmcsetup": "nowhere",
                                    "interfaces": [["interface": "BMC", "network": "bmcnowhere", "ipaddress": "127.0.77.9"]],
                                ]
                            ]
                        ]
                    ]
                ),
            ]
            for (path, body) in bmc {
                let made = try await MembershipProcessTests.eventually(30) { (try? await c[0].post(path, body))?.status == 201 }
                #expect(made, "\(path) was created")
            }
            let writer = MembershipProcessTests.Writer(c)
            let writing = Task { await writer.run() }
            try await Task.sleep(for: .seconds(2))

            for index in 0..<3 {
                let name = "c\(index + 1)"
                // Writes go to the controllers upgraded so far, or to the old ones before the first.
                let others = index == 0 ? [c[1], c[2]] : Array(c[0..<index])
                writer.targets.withLock { $0 = others }
                #expect(try await cluster.run(["stop", name]).exit == 0)
                #expect(try await cluster.run(["start", name]).exit == 0)
                c[index] = cluster.api(index + 1)
                let upgraded = c[index]
                let writes = try await MembershipProcessTests.eventually(60) {
                    await ReplicationProcessTests.create("upgraded\(index)", on: upgraded)
                }
                #expect(writes, "\(name) takes writes after its upgrade\n\(cluster.logTails())")
                if index == 0 {
                    // A power request to an address where no BMC answers: its audit is version 2.
                    let power = try await upgraded.get("/control/action/power/withbmc/_status", timeout: .seconds(60))
                    #expect(power.status == 501, "\(power.text)")
                    let refusal = try await MembershipProcessTests.eventually(30) {
                        let reply = try? await c[1].post(
                            "/config/node/stale", ["config": ["node": ["stale": ["group": "compute-group"]]]])
                        return reply?.status == 503 && reply?.text.contains("upgrade needed") == true
                    }
                    #expect(refusal, "a controller of the previous release refuses writes once it meets the newer event")
                }
                writer.targets.withLock { $0 = Array(c[0...index]) }
            }
            try await Task.sleep(for: .seconds(2))
            writer.running.store(false, ordering: .relaxed)
            await writing.value

            let acknowledged = writer.acknowledged.withLock { $0 }
            #expect(!acknowledged.isEmpty, "no write was acknowledged")
            for lunad in c {
                let present = try await MembershipProcessTests.eventually(30) {
                    Set(await ReplicationProcessTests.nodes(lunad).keys).isSuperset(of: acknowledged)
                }
                #expect(present, "controller on port \(lunad.port) holds every acknowledged write")
            }
            let agreed = try await MembershipProcessTests.eventually(30) {
                var all = true
                for lunad in c {
                    let merkle = try await MembershipProcessTests.status(lunad.port)?["merkle"]?.objectValue ?? [:]
                    all = all && !merkle.isEmpty && merkle.values.allSatisfy { $0 == .bool(true) }
                }
                return all
            }
            #expect(agreed, "the three views agree table by table after the upgrade\n\(cluster.logTails())")
        }
    }
}
