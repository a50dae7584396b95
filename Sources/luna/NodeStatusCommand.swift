import ArgumentParser
import Foundation
import LunaModel
import LunaRuntime

/// `luna node status [NODES…] [--watch]`: every node's install state and when it changed,
/// from any controller (states are events, so every controller shows the same).
struct NodeStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show nodes' install states and when they changed (GET /monitor/node).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "Nodes or host lists (node[001-004]); all nodes with a state when none.")
    var nodes: [String] = []

    @Flag(help: "Show the states again every --interval seconds until interrupted.")
    var watch = false

    @Option(help: "Seconds between two looks with --watch.")
    var interval = 2.0

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be more than 0 seconds") }
    }

    func run() async throws {
        try await Failures.report {
            var wanted = Set<String>()
            for list in nodes {
                do {
                    wanted.formUnion(try HostList.expand(list))
                } catch {
                    throw CommandFailure(description: "\(error)")
                }
            }
            let client = try APIClient(connection)
            while true {
                let response = try await client.get("/monitor/node").expect(200)
                if watch, !output.json, !output.pretty { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                try output.emit(response) { value in Self.table(value, wanted: wanted) }
                guard watch else { return }
                try await Task.sleep(for: .seconds(interval))
            }
        }
    }

    /// One row a node: name, state, luna2's status code, when it changed.
    static func table(_ value: JSONValue, wanted: Set<String>) -> TextTable {
        let entries = value["monitor"]?["status"]?["node"]?.objectValue ?? [:]
        let rows = entries.keys.sorted().filter { wanted.isEmpty || wanted.contains($0) }.map { name -> [String] in
            let entry = entries[name]!
            let state = entry["state"]?.stringValue.map { String($0.dropFirst(name.count + 1)) } ?? ""
            return [name, state, entry["status"]?.stringValue ?? "", entry["changed"]?.stringValue ?? ""]
        }
        return TextTable(header: ["NODE", "STATE", "STATUS", "CHANGED"], rows: rows, overflow: .truncate)
    }
}
