import ArgumentParser
import Foundation
import LunaDomain
import LunaModel
import LunaRuntime
import LunaStore

struct LogReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild the views from the log into a separate database, or verify the live views against the log.")

    @OptionGroup var data: DataDirectoryOption

    @Option(help: "Stop after this event (origin:seq) or time (ISO 8601 or epoch ms).")
    var until: String?

    @Option(help: "The database to write (default: replay.sqlite in the data directory; replaced if it exists).")
    var output: String?

    @Flag(help: "Rebuild from the whole log and compare every table's Merkle root with the live views.")
    var verify = false

    func run() async throws {
        do {
            if try replay() == false { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("luna: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Returns false when `--verify` finds a difference.
    private func replay() throws -> Bool {
        let directory = DataDirectory(data.path)
        let file = LogFile(directory: directory)
        let snapshot = try file.snapshot()
        var events = try file.read(folded: snapshot.heads).events
        if verify {
            guard until == nil else {
                throw CommandFailure(description: "--verify compares the whole log with the live views; it takes no --until")
            }
            return try verifyViews(directory, events, after: snapshot)
        }
        if let until {
            events = try cut(events, until, after: snapshot)
        }
        let path = output ?? directory.path + "/replay.sqlite"
        try ViewStore.removeFiles(at: path)
        let result = try Replayer.rebuild(events, after: snapshot, into: ViewStore(path: path))
        print(
            "replayed \(result.applied) events into \(path)\(result.rejections.isEmpty ? "" : ", \(result.rejections.count) rejected")"
        )
        if let stopped = result.stoppedAt { print("stopped early: \(stopped)") }
        return true
    }

    private func cut(_ events: [Event], _ until: String, after snapshot: Snapshot) throws -> [Event] {
        let ordered = events.sorted(by: Event.appliesBefore)
        let compacted = CommandFailure(
            description: "--until \(until) lies before the last event folded into the snapshot "
                + "(\(snapshot.last.map { "\($0.origin):\($0.seq) at \($0.time)" } ?? "")): compaction keeps no history before it"
        )
        if let id = EventID(until), id.seq <= snapshot.heads[id.origin]?.seq ?? 0 { throw compacted }
        if let millis = TimeArgument.millis(until), let last = snapshot.last, millis < last.time.millis { throw compacted }
        if let id = EventID(until) {
            guard let index = ordered.firstIndex(where: { $0.id == id }) else {
                throw CommandFailure(description: "--until \(until): event \(id) is not in the log")
            }
            return Array(ordered[...index])
        }
        guard let millis = TimeArgument.millis(until) else {
            throw CommandFailure(
                description: "--until \(until) is neither an event id (origin:seq) nor a time (ISO 8601 or epoch ms)")
        }
        return ordered.filter { $0.time.millis <= millis }
    }

    /// Rebuilds what the live views say they hold, from scratch, and compares table by table.
    private func verifyViews(_ directory: DataDirectory, _ events: [Event], after snapshot: Snapshot) throws -> Bool {
        guard FileManager.default.fileExists(atPath: directory.views) else {
            throw CommandFailure(description: "\(directory.views) does not exist: there are no live views to verify")
        }
        let live = try ViewStore(path: directory.views).merkleRoots()
        let covered = events.filter { $0.seq <= live.clock[$0.origin] }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("luna-verify-\(getpid()).sqlite").path
        try ViewStore.removeFiles(at: scratch)
        defer { try? ViewStore.removeFiles(at: scratch) }
        let store = try ViewStore(path: scratch)
        _ = try Replayer.rebuild(covered, after: snapshot, into: store)
        let rebuilt = try store.merkleRoots()
        var equal = rebuilt.clock == live.clock
        print(
            "rebuilt \(covered.count) events from \(directory.log)\(snapshot.isEmpty ? "" : " on its snapshot"), the events the live views hold"
        )
        for table in LunaDomain.Table.allCases {
            let same = rebuilt.roots[table] == live.roots[table]
            equal = equal && same
            print("\(table.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(same ? "equal" : "different")")
        }
        print(equal ? "views verified: every table equals the log's replay" : "views differ from the log's replay")
        return equal
    }
}
