import ArgumentParser
import Foundation
import LunaModel
import LunaRuntime

struct LogInspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show the events in a controller's log, newest first.")

    @OptionGroup var data: DataDirectoryOption

    @Flag(help: "Oldest events first.")
    var oldestFirst = false

    @Option(help: "Only events written by this controller.")
    var origin: String?

    @Option(help: "Only events about this object (node, group, network … name).")
    var object: String?

    @Option(help: "Only this intent (e.g. Node.update) or family (Node).")
    var intent: String?

    @Option(help: "Only events by this actor (admin, bootstrap, node:<name>).")
    var actor: String?

    @Option(help: "Only events at or after this time (ISO 8601 or epoch ms).")
    var since: String?

    @Option(help: "Only events at or before this time (ISO 8601 or epoch ms).")
    var until: String?

    @Option(help: "At most this many events.")
    var limit: Int?

    @Flag(help: "Keep printing new events as they are written (oldest first).")
    var follow = false

    @Flag(help: "One JSON object per line, for scripts.")
    var json = false

    func run() async throws {
        do {
            try await inspect()
        } catch {
            FileHandle.standardError.write(Data("luna: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func inspect() async throws {
        let since = try self.since.map { try time($0, "--since") }
        let until = try self.until.map { try time($0, "--until") }
        let file = LogFile(directory: DataDirectory(data.path))
        let views = file.rejections()
        var scan = try file.read()
        func matches(_ event: Event) -> Bool {
            (origin == nil || event.origin == origin) && (object == nil || event.object == object)
                && (intent == nil || event.intent == intent || event.intent.hasPrefix(intent! + "."))
                && (actor == nil || event.actor == actor) && (since == nil || event.time.millis >= since!)
                && (until == nil || event.time.millis <= until!)
        }
        func show(_ event: Event) {
            let rejection = try? views?.rejection(of: event.id)
            // Written straight out, not through print's buffer: --follow into a pipe or a
            // file shows each event as it comes.
            let line =
                json
                ? EventSummary.json(event, rejection: rejection).canonicalText : EventSummary.line(event, rejection: rejection)
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        var shown = scan.events.filter(matches)
        if !oldestFirst, !follow { shown.reverse() }
        if let limit { shown = follow ? Array(shown.suffix(limit)) : Array(shown.prefix(limit)) }
        shown.forEach(show)
        guard follow else { return }
        var identity = file.identity()
        while true {
            try await Task.sleep(for: .milliseconds(500))
            let before = file.identity()
            var next = try? file.read(from: scan.validLength, heads: scan.heads)
            if next == nil || before != identity || file.identity() != before {
                // A compaction rewrote the log: read the new file whole, past what was shown.
                identity = file.identity()
                next = try file.read(folded: scan.heads.merging(try file.snapshot().heads) { $0.seq >= $1.seq ? $0 : $1 })
            }
            guard let next else { continue }
            next.events.filter(matches).forEach(show)
            scan.validLength = next.validLength
            scan.heads = next.heads
        }
    }

    private func time(_ text: String, _ option: String) throws -> Int64 {
        guard let millis = TimeArgument.millis(text) else {
            throw CommandFailure(
                description: "\(option) \(text) is not a time: use ISO 8601 (2026-11-25T14:00:00Z) or epoch milliseconds")
        }
        return millis
    }
}
