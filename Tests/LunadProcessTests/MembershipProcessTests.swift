import Foundation
import LunaModel
import Synchronization
import Testing

extension LifecycleProcessTests {
    /// Membership changes on real processes, under a steady stream of writes to the members
    /// that stay: a pair becomes a trio (join), the trio a pair again (leave), and a dead
    /// member is removed; the removed one is refused when it comes back.
    @Suite(.serialized)
    struct MembershipProcessTests {
        typealias LocalCluster = ReplicationProcessTests.LocalCluster

        /// Creates nodes one after another on the members named in `targets`, in turn; keeps
        /// what was acknowledged and every refusal, until stopped.
        final class Writer: Sendable {
            let targets: Mutex<[LunadProcess]>
            let acknowledged = Mutex<[String]>([])
            let refused = Mutex<[String]>([])
            let running = Atomic<Bool>(true)

            init(_ targets: [LunadProcess]) { self.targets = Mutex(targets) }

            func run() async {
                var number = 0
                while running.load(ordering: .relaxed) {
                    let choices = targets.withLock { $0 }
                    let lunad = choices[number % choices.count]
                    let name = "w\(number)"
                    let body: JSONValue = ["config": ["node": .object([name: ["group": "compute-group"]])]]
                    do {
                        let reply = try await lunad.post("/config/node/\(name)", body)
                        if reply.status == 201 {
                            acknowledged.withLock { $0.append(name) }
                        } else {
                            refused.withLock { $0.append("\(name) on port \(lunad.port): \(reply.status) \(reply.text)") }
                        }
                    } catch {
                        refused.withLock { $0.append("\(name) on port \(lunad.port): \(error)") }
                    }
                    number += 1
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }

        /// A blocking run (a script, the CLI) on a thread of its own, so the writer keeps going.
        static func aside(_ body: @escaping @Sendable () throws -> (exit: Int32, output: String)) async throws -> (
            exit: Int32, output: String
        ) {
            try await withCheckedThrowingContinuation { continuation in
                Thread { continuation.resume(with: Result { try body() }) }.start()
            }
        }

        static func luna(_ arguments: [String], on port: Int) async throws -> (exit: Int32, output: String) {
            try await aside { try LunadProcess.luna(arguments + ["--url", "http://127.0.0.1:\(port)"]) }
        }

        static func status(_ port: Int) async throws -> JSONValue? {
            let run = try await luna(["cluster", "status", "--json"], on: port)
            return try? JSONParser.parse(run.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        static func memberNames(_ status: JSONValue?) -> [String] {
            (status?["members"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.sorted()
        }

        /// Waits until `check` holds, for at most `seconds`.
        static func eventually(_ seconds: Int, _ check: () async throws -> Bool) async throws -> Bool {
            for _ in 0..<(seconds * 10) {
                if try await check() { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }

        @Test func aPairBecomesATrioAndAPairAgainWhileWritesGoOn() async throws {
            var cluster = LocalCluster()
            cluster.linkPorts = false
            cluster.compactAge = "0s"
            defer { cluster.tearDown() }
            let lab = cluster
            #expect(try await cluster.run(["up", "2"]).exit == 0)
            let c = (1...4).map(cluster.api)
            // The writer starts once both take writes: right after `up` c2 may not be in
            // sync yet, and answers 503.
            for (index, lunad) in c[0...1].enumerated() {
                let ready = try await Self.eventually(30) { await ReplicationProcessTests.create("ready\(index)", on: lunad) }
                #expect(ready, "c\(index + 1) takes writes after the start\n\(cluster.logTails(2))")
            }
            let writer = Writer([c[0], c[1]])
            let writing = Task { await writer.run() }

            // A pair becomes a trio: c3 joins and takes writes once in sync.
            let joined = try await Self.aside { try lab.runBlocking(["join", "c3"]) }
            #expect(joined.exit == 0, "\(joined.output)")
            #expect(try await Self.eventually(30) { await ReplicationProcessTests.create("fromc3", on: c[2]) })
            #expect(Self.memberNames(try await Self.status(c[0].port)) == ["c1", "c2", "c3"])

            // The trio becomes a pair: c3 leaves while it runs, and then refuses writes.
            let left = try await Self.luna(["cluster", "leave"], on: c[2].port)
            #expect(left.exit == 0 && left.output.contains("has left the cluster"), "\(left.output)\n\(cluster.logTails(3))")
            let afterLeave = try await c[2].post(
                "/config/node/late", ["config": ["node": ["late": ["group": "compute-group"]]]])
            #expect(afterLeave.status == 503 && afterLeave.text.contains("removed from the cluster"), "\(afterLeave.text)")
            let pairAgain = try await Self.eventually(10) {
                let first = Self.memberNames(try await Self.status(c[0].port))
                let second = Self.memberNames(try await Self.status(c[1].port))
                return first == ["c1", "c2"] && second == ["c1", "c2"]
            }
            #expect(pairAgain, "c1 and c2 still list c3\n\(cluster.logTails(3))")
            #expect(try await Self.aside { try lab.runBlocking(["stop", "c3"]) }.exit == 0)

            // A pair becomes a trio again with c4, then c2 dies and is removed.
            let joinedC4 = try await Self.aside { try lab.runBlocking(["join", "c4"]) }
            #expect(joinedC4.exit == 0, "\(joinedC4.output)")
            #expect(try await Self.eventually(30) { await ReplicationProcessTests.create("fromc4", on: c[3]) })
            writer.targets.withLock { $0 = [c[0], c[3]] }
            // Writes acknowledged by c2 reach the others before it dies: a dead member's
            // events that no other member holds are gone with it.
            try await Task.sleep(for: .milliseconds(500))
            let soFar = Set(writer.acknowledged.withLock { $0 })
            let held = try await Self.eventually(20) {
                let first = Set(await ReplicationProcessTests.nodes(c[0]).keys)
                let fourth = Set(await ReplicationProcessTests.nodes(c[3]).keys)
                return first.isSuperset(of: soFar) && fourth.isSuperset(of: soFar)
            }
            #expect(held, "c1 and c4 hold what was written before c2 dies")
            #expect(try await Self.aside { try lab.runBlocking(["stop", "c2", "--kill"]) }.exit == 0)
            let tooSoon = try await Self.luna(["cluster", "remove", "c2"], on: c[0].port)
            #expect(tooSoon.exit != 0 && tooSoon.output.contains("so it is running"), "\(tooSoon.output)")
            // While c2 is a silent member nothing settles: c1's log keeps every new event.
            try await Task.sleep(for: .seconds(10))
            let stuck = try await Self.status(c[0].port)?["log"]?["events"]
            var removed: (exit: Int32, output: String) = (1, "")
            _ = try await Self.eventually(20) {
                removed = try await Self.luna(["cluster", "remove", "c2"], on: c[0].port)
                return removed.exit == 0
            }
            #expect(removed.exit == 0 && removed.output.contains("removed c2"), "\(removed.output)\n\(cluster.logTails(4))")
            #expect(Self.memberNames(try await Self.status(c[0].port)) == ["c1", "c4"])
            // Compaction recovers: stability no longer waits for c2, and the log folds.
            var folded: JSONValue?
            let recovered = try await Self.eventually(30) {
                folded = try await Self.status(c[0].port)?["log"]?["events"]
                guard case .int(let now)? = folded, case .int(let before)? = stuck else { return false }
                return now < before / 2
            }
            #expect(recovered, "c1's log held \(stuck?.canonicalText ?? "?") events, now \(folded?.canonicalText ?? "?")")

            // c2 comes back on its old data: refused, with the sentence.
            #expect(try await Self.aside { try lab.runBlocking(["start", "c2"]) }.exit == 0)
            var refusal = ""
            let refusedBack = try await Self.eventually(20) {
                let reply = try await c[1].post("/config/node/back", ["config": ["node": ["back": ["group": "compute-group"]]]])
                refusal = reply.text
                return reply.status == 503 && reply.text.contains("was removed from the cluster")
            }
            #expect(refusedBack, "c2 answered: \(refusal)")
            #expect(Self.memberNames(try await Self.status(c[0].port)) == ["c1", "c4"])

            writer.running.store(false, ordering: .relaxed)
            await writing.value
            let acknowledged = writer.acknowledged.withLock { $0 }
            let refused = writer.refused.withLock { $0 }
            #expect(refused.isEmpty, "writes to members that stay were refused: \(refused.prefix(5))")
            #expect(!acknowledged.isEmpty, "no write was acknowledged")
            for lunad in [c[0], c[3]] {
                let present = try await Self.eventually(20) {
                    Set(await ReplicationProcessTests.nodes(lunad).keys).isSuperset(of: acknowledged)
                }
                #expect(present, "controller on port \(lunad.port) lacks acknowledged writes")
            }
        }
    }
}
