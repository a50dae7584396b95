import Foundation
import LunaModel
import Testing

extension LifecycleProcessTests {
    /// Faults on real processes: a full disk under the data directory, a controller whose
    /// clock steps back an hour and then forward a day, a peer that answers slowly. Writes are
    /// refused with 503 and a sentence or ordered correctly; none acknowledged is lost; the
    /// cluster recovers once the fault is gone.
    @Suite(.serialized)
    struct FaultProcessTests {
        typealias LocalCluster = ReplicationProcessTests.LocalCluster

        static func node(_ name: String, comment: String = "") -> JSONValue {
            ["config": ["node": .object([name: ["group": "compute-group", "comment": .string(comment)]])]]
        }

        static func comment(_ name: String, on lunad: LunadProcess) async -> String? {
            (try? await lunad.get("/config/node/\(name)"))?.body?["config"]?["node"]?[name]?["comment"]?.stringValue
        }

        /// A tmpfs of 2 MiB holds the data directory: writes go until it is full, the one that
        /// finds it full and every later one get 503 with the reason, reads go on; once the
        /// file system grows, lunad stops by itself (systemd would start it again) and, started
        /// again, holds every write it acknowledged.
        @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
        func aFullDiskRefusesWritesAndLosesNoneAcknowledged() async throws {
            let folder = LunadProcess.temporaryDirectory("full-disk")
            let data = folder + "/data"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let mount = URL(fileURLWithPath: "/bin/mount")
            #expect(try LunadProcess.runToExit(at: mount, ["-t", "tmpfs", "-o", "size=2m", "tmpfs", data]).exit == 0)
            let lunad = LunadProcess(dataDirectory: data)
            defer {
                lunad.stop(signal: SIGKILL)
                _ = try? LunadProcess.runToExit(at: URL(fileURLWithPath: "/bin/umount"), [data])
                try? FileManager.default.removeItem(atPath: folder)
            }
            #expect(try await lunad.start() == nil)
            let padding = String(repeating: "x", count: 400)
            var acknowledged: [String] = []
            var refusal: LunadProcess.Reply?
            for number in 0..<5000 {
                let reply = try await lunad.post("/config/node/f\(number)", Self.node("f\(number)", comment: padding))
                guard reply.status == 201 else {
                    refusal = reply
                    break
                }
                acknowledged.append("f\(number)")
            }
            #expect(refusal?.status == 503, "\(refusal?.text ?? "no write was refused")")
            #expect(refusal?.text.contains("full") == true, "the sentence names the full disk: \(refusal?.text ?? "")")
            let later = try await lunad.post("/config/node/later", Self.node("later"))
            #expect(later.status == 503 && later.text.contains("Service unavailable"), "\(later.text)")
            #expect(try await lunad.get("/config/node/f0").status == 200, "reads go on")

            #expect(try LunadProcess.runToExit(at: mount, ["-o", "remount,size=64m", data]).exit == 0)
            var stopped = false
            for _ in 0..<200 where !stopped {
                stopped = !(lunad.process?.isRunning ?? false)
                if !stopped { try await Task.sleep(for: .milliseconds(100)) }
            }
            let ended = lunad.stopCollectingOutput()
            #expect(stopped && ended.exit != 0, "lunad stops by itself once the disk takes writes again (exit \(ended.exit))")
            #expect(ended.output.contains("takes writes again"), "\(ended.output.suffix(600))")

            #expect(try await lunad.start(bootstrap: false) == nil)
            let nodes = Set(await ReplicationProcessTests.nodes(lunad).keys)
            #expect(nodes.isSuperset(of: acknowledged), "lost: \(Set(acknowledged).subtracting(nodes).sorted().prefix(5))")
            #expect(acknowledged.count > 10)
            #expect(await ReplicationProcessTests.create("afterfull", on: lunad), "it takes writes again")
        }

        /// fsync and fdatasync fail with EIO on files under a `/log/` folder while the file that
        /// LUNA_FSYNC_FAULT names exists: loaded into lunad with LD_PRELOAD.
        static let fsyncFault = """
            #define _GNU_SOURCE
            #include <dlfcn.h>
            #include <errno.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>

            static int failing(int fd) {
                const char *trigger = getenv("LUNA_FSYNC_FAULT");
                if (!trigger || access(trigger, F_OK) != 0) return 0;
                char link[64], path[4096];
                snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
                ssize_t length = readlink(link, path, sizeof path - 1);
                if (length < 0) return 0;
                path[length] = 0;
                return strstr(path, "/log/") != NULL;
            }

            int fsync(int fd) {
                static int (*real)(int);
                if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
                if (failing(fd)) { errno = EIO; return -1; }
                return real(fd);
            }

            int fdatasync(int fd) {
                static int (*real)(int);
                if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
                if (failing(fd)) { errno = EIO; return -1; }
                return real(fd);
            }
            """

        static let clang = "/opt/swift/usr/bin/clang"

        /// The log's fsync fails (an LD_PRELOAD shim): the write that meets it and every later
        /// one get 503 with the reason; lunad stays up while the fault lasts, stops by itself
        /// once it is gone, and started again holds every write it acknowledged.
        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: clang), "the shim is built with the toolchain's clang"))
        func anFsyncThatFailsRefusesWritesAndLosesNoneAcknowledged() async throws {
            let folder = LunadProcess.temporaryDirectory("fsync-fault")
            let lunad = LunadProcess(dataDirectory: folder + "/data")
            defer {
                lunad.stop(signal: SIGKILL)
                try? FileManager.default.removeItem(atPath: folder)
            }
            try Self.fsyncFault.write(toFile: folder + "/fault.c", atomically: true, encoding: .utf8)
            let built = try LunadProcess.runToExit(
                at: URL(fileURLWithPath: Self.clang),
                ["-shared", "-fPIC", "-o", folder + "/fault.so", folder + "/fault.c", "-ldl"])
            #expect(built.exit == 0, "\(built.output)")
            let trigger = folder + "/fail-fsync"
            lunad.environment = ["LD_PRELOAD": folder + "/fault.so", "LUNA_FSYNC_FAULT": trigger]
            #expect(try await lunad.start() == nil)
            var acknowledged: [String] = []
            for number in 0..<20 where await ReplicationProcessTests.create("s\(number)", on: lunad) {
                acknowledged.append("s\(number)")
            }
            #expect(acknowledged.count == 20)

            FileManager.default.createFile(atPath: trigger, contents: nil)
            let refused = try await lunad.post("/config/node/failed", Self.node("failed"))
            #expect(refused.status == 503 && refused.text.contains("fsync failed"), "\(refused.text)")
            let later = try await lunad.post("/config/node/later", Self.node("later"))
            #expect(later.status == 503 && later.text.contains("fsync failed"), "\(later.text)")
            // Its own probe fsyncs beside the log every 5 s and fails too: it stays up meanwhile.
            try await Task.sleep(for: .seconds(7))
            #expect(lunad.process?.isRunning == true, "lunad keeps serving reads while the fault lasts")
            #expect(try await lunad.get("/config/node/s0").status == 200)

            try FileManager.default.removeItem(atPath: trigger)
            var stopped = false
            for _ in 0..<200 where !stopped {
                stopped = !(lunad.process?.isRunning ?? false)
                if !stopped { try await Task.sleep(for: .milliseconds(100)) }
            }
            let ended = lunad.stopCollectingOutput()
            #expect(stopped && ended.exit != 0 && ended.output.contains("takes writes again"), "\(ended.output.suffix(600))")

            lunad.environment = [:]
            #expect(try await lunad.start(bootstrap: false) == nil)
            let nodes = Set(await ReplicationProcessTests.nodes(lunad).keys)
            #expect(nodes.isSuperset(of: acknowledged), "lost: \(Set(acknowledged).subtracting(nodes).sorted())")
            #expect(await ReplicationProcessTests.create("afterfsync", on: lunad), "it takes writes again")
        }

        /// One controller runs an hour behind, then a day ahead (libfaketime): a chain of
        /// writes to one field, each made on another controller once the one before is seen
        /// there, ends with the last value everywhere, and the views agree.
        @Test func aControllerWhoseClockStepsKeepsTheOrderOfWrites() async throws {
            var cluster = LocalCluster()
            cluster.linkPorts = false
            defer { cluster.tearDown() }
            #expect(try await cluster.run(["up", "3"]).exit == 0)
            var c = (1...3).map(cluster.api)
            #expect(
                try await MembershipProcessTests.eventually(30) {
                    await ReplicationProcessTests.create("clockwork", on: c[0])
                })
            var value = 0
            for step in ["-1h", "+1d"] {
                #expect(try await cluster.run(["stop", "c2"]).exit == 0)
                let skewed = try await cluster.run(
                    ["start", "c2"],
                    environment: [
                        "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "FAKETIME": step,
                        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                    ])
                #expect(skewed.exit == 0, "\(skewed.output)")
                // A token c2 issued before its clock jumped a day ahead has expired there: log in again.
                c[1] = cluster.api(2)
                for writer in [1, 0, 1, 2, 1] {
                    value += 1
                    let wrote = try await MembershipProcessTests.eventually(30) {
                        (try? await c[writer].post("/config/node/clockwork", Self.node("clockwork", comment: "\(value)")))?.status
                            == 204
                    }
                    #expect(wrote, "write \(value) on c\(writer + 1) with c2 at \(step)\n\(cluster.logTails())")
                    let next = c[(writer + 1) % 3]
                    let seen = try await MembershipProcessTests.eventually(30) {
                        await Self.comment("clockwork", on: next) == "\(value)"
                    }
                    #expect(seen, "c\((writer + 1) % 3 + 1) shows write \(value) with c2 at \(step)")
                }
            }
            #expect(try await cluster.run(["stop", "c2"]).exit == 0)
            #expect(try await cluster.run(["start", "c2"]).exit == 0)
            c[1] = cluster.api(2)
            value += 1
            let last = "\(value)"
            let c2 = c[1]
            #expect(
                try await MembershipProcessTests.eventually(30) {
                    (try? await c2.post("/config/node/clockwork", Self.node("clockwork", comment: last)))?.status == 204
                }, "c2 takes writes with its clock set right again")
            for lunad in c {
                let shown = try await MembershipProcessTests.eventually(30) { await Self.comment("clockwork", on: lunad) == last }
                #expect(shown, "controller on port \(lunad.port) ends with the last write")
            }
            let agreed = try await MembershipProcessTests.eventually(30) {
                let merkle = try await MembershipProcessTests.status(c[0].port)?["merkle"]?.objectValue ?? [:]
                return !merkle.isEmpty && merkle.values.allSatisfy { $0 == .bool(true) }
            }
            #expect(agreed, "the views agree table by table")
        }

        /// Every link to and from c3 holds each chunk for 400 ms: c1 and c2 take writes all the
        /// while, c3 catches up, and once the links are quick again all three hold every write.
        @Test func aSlowPeerDelaysNothingAcknowledgedAndCatchesUp() async throws {
            let cluster = LocalCluster()
            defer { cluster.tearDown() }
            #expect(try await cluster.run(["up", "3"]).exit == 0)
            let links = try await cluster.links()
            defer { Task { for proxy in links.values { await proxy.close() } } }
            let c = (1...3).map(cluster.api)
            #expect(
                try await MembershipProcessTests.eventually(30) { await ReplicationProcessTests.create("beforeslow", on: c[0]) })
            for (pair, proxy) in links where pair.contains(3) { proxy.set(delay: .milliseconds(400)) }
            var acknowledged: [String] = []
            for number in 0..<40 {
                let name = "slow\(number)"
                if await ReplicationProcessTests.create(name, on: c[number % 2]) { acknowledged.append(name) }
            }
            #expect(acknowledged.count == 40, "c1 and c2 refused writes while c3 was slow")
            let behind = Set(await ReplicationProcessTests.nodes(c[2]).keys)
            let caughtUp = try await MembershipProcessTests.eventually(60) {
                Set(await ReplicationProcessTests.nodes(c[2]).keys).isSuperset(of: acknowledged)
            }
            #expect(caughtUp, "the slow c3 catches up (it held \(behind.count) nodes when the writes ended)")
            for proxy in links.values { proxy.set(delay: .zero) }
            let (converged, listings) = try await ReplicationProcessTests.converge(c, expected: 4 + 41)
            #expect(converged, "the three hold \(listings.map(\.count)) nodes")
        }
    }
}
