import Foundation
import LunaModel
import Testing

extension LifecycleProcessTests {
    /// `luna backup` while lunad runs and takes writes, and `luna restore` into a data
    /// directory: a single controller starts again from it, and a member of a trio restored
    /// from an older backup takes back from its peers what it wrote since.
    @Suite(.serialized)
    struct BackupProcessTests {
        typealias Writer = MembershipProcessTests.Writer

        static func luna(_ arguments: [String]) async throws -> (exit: Int32, output: String) {
            try await MembershipProcessTests.aside { try LunadProcess.luna(arguments) }
        }

        @Test func aSingleControllerStartsFromItsBackupTakenUnderWrites() async throws {
            let folders = ["backup-original", "backup-restored", "backup-file"].map(LunadProcess.temporaryDirectory)
            let original = LunadProcess(dataDirectory: folders[0])
            let restored = LunadProcess(dataDirectory: folders[1] + "/data")
            let file = folders[2] + "/c1.lunabackup"
            defer {
                original.stop()
                restored.stop()
                for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
            }
            #expect(try await original.start() == nil)
            let writer = Writer([original])
            let writing = Task { await writer.run() }
            #expect(try await MembershipProcessTests.eventually(60) { writer.acknowledged.withLock { $0.count } >= 10 })
            let before = Set(writer.acknowledged.withLock { $0 })
            let url = "http://127.0.0.1:\(original.port)"
            let backup = try await Self.luna(["backup", "--out", file, "--url", url])
            #expect(backup.exit == 0 && backup.output.contains("wrote"), "\(backup.output)")
            try await Task.sleep(for: .seconds(1))
            writer.running.store(false, ordering: .relaxed)
            await writing.value
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "the backup holds the cluster key")
            let again = try await Self.luna(["backup", "--out", file, "--url", url])
            #expect(again.exit != 0 && again.output.contains("exists already"), "\(again.output)")

            let made = try await Self.luna(["restore", file, "--data-dir", restored.dataDirectory])
            #expect(made.exit == 0 && made.output.contains("restored"), "\(made.output)")
            let twice = try await Self.luna(["restore", file, "--data-dir", restored.dataDirectory])
            #expect(twice.exit != 0 && twice.output.contains("is not empty"), "\(twice.output)")
            var damaged = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            damaged[damaged.count / 2] ^= 0xFF
            let damagedFile = file + ".damaged"
            FileManager.default.createFile(atPath: damagedFile, contents: Data(damaged))
            let refused = try await Self.luna(["restore", damagedFile, "--data-dir", restored.dataDirectory + "-other"])
            #expect(refused.exit != 0 && refused.output.contains("not a usable Luna backup"), "\(refused.output)")

            #expect(try await restored.start(bootstrap: false) == nil)
            let nodes = Set(await ReplicationProcessTests.nodes(restored).keys)
            #expect(nodes.isSuperset(of: before), "missing: \(before.subtracting(nodes).sorted().prefix(5))")
            #expect(await ReplicationProcessTests.create("afterrestore", on: restored), "the restored controller takes writes")
            let incarnations = [original, restored].map {
                try? String(contentsOfFile: $0.dataDirectory + "/incarnation", encoding: .utf8)
            }
            #expect(incarnations[0] != nil && incarnations[0] != incarnations[1], "the restored one is a new incarnation")
        }

        @Test func aMemberRestoredFromAnOlderBackupRejoinsItsTrio() async throws {
            var cluster = ReplicationProcessTests.LocalCluster()
            cluster.linkPorts = false
            cluster.compactAge = "0s"
            defer { cluster.tearDown() }
            #expect(try await cluster.run(["up", "3"]).exit == 0)
            let c = (1...3).map(cluster.api)
            // Right after the start a controller takes writes once it caught up with its peers.
            for number in 0..<10 {
                #expect(
                    try await MembershipProcessTests.eventually(30) {
                        await ReplicationProcessTests.create("old\(number)", on: c[number % 3])
                    })
            }
            let file = cluster.directory + "/c2.lunabackup"
            let backup = try await Self.luna(["backup", "--out", file, "--url", "http://127.0.0.1:\(c[1].port)"])
            #expect(backup.exit == 0, "\(backup.output)")
            // Written after the backup, on c2 itself too: its restored copy lacks its own events.
            for number in 0..<10 {
                #expect(await ReplicationProcessTests.create("new\(number)", on: c[number % 3]))
            }
            let (converged, _) = try await ReplicationProcessTests.converge(c, expected: 4 + 20)
            #expect(converged)
            #expect(try await cluster.run(["stop", "c2"]).exit == 0)
            let data = cluster.directory + "/c2/data"
            try FileManager.default.moveItem(atPath: data, toPath: data + ".lost")
            let made = try await Self.luna(["restore", file, "--data-dir", data])
            #expect(made.exit == 0, "\(made.output)")
            #expect(try await cluster.run(["start", "c2"]).exit == 0)

            let back = try await MembershipProcessTests.eventually(30) {
                await ReplicationProcessTests.create("fromrestored", on: c[1])
            }
            #expect(back, "the restored c2 takes writes once it holds its own events again\n\(cluster.logTails())")
            let (rejoined, listings) = try await ReplicationProcessTests.converge(c, expected: 4 + 20 + 1)
            #expect(rejoined, "the three hold \(listings.map(\.count)) nodes\n\(cluster.logTails())")
            let agreed = try await MembershipProcessTests.eventually(20) {
                let status = try await MembershipProcessTests.status(c[1].port)
                let merkle = status?["merkle"]?.objectValue ?? [:]
                return !merkle.isEmpty && merkle.values.allSatisfy { $0 == .bool(true) }
            }
            #expect(agreed, "the views agree table by table on every member")
        }
    }
}
