import ArgumentParser
import Foundation
import LunaModel

/// `luna cluster status`: what one controller knows of the cluster, asked over its API.
struct ClusterStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Members, their clocks and lag, Merkle agreement and incidents.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "The status as one JSON object.")
    var json = false

    func run() async throws {
        try await Failures.report {
            let status = try await APIClient(connection).get("/cluster/status").expect(200).object()
            print(json ? status.canonicalText : Self.describe(status))
        }
    }

    static func describe(_ status: JSONValue) -> String {
        let stable = status["stable"]?.stringValue.flatMap { Int64($0.split(separator: ".")[0]) }.map(TimeArgument.format)
        var lines = ["cluster as seen by \(status["controller"]?.stringValue ?? "?"), stable up to \(stable ?? "nothing yet")"]
        for member in status["members"]?.arrayValue ?? [] {
            let clock = (member["clock"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map {
                "\($0.key):\($0.value.canonicalText)"
            }
            let lag =
                member["lag_seconds"].flatMap {
                    if case .double(let s) = $0 { String(format: ", heard %.1f s ago", s) } else { nil }
                } ?? ""
            lines.append(
                "  \(member["name"]?.stringValue ?? "?") (\(member["role"]?.stringValue ?? "?"))  "
                    + "\(member["insync"] == .bool(true) ? "in sync" : "behind")  "
                    + "lag \(member["lag_events"]?.canonicalText ?? "?") events\(lag)  clock {\(clock.joined(separator: " "))}")
        }
        let merkle = (status["merkle"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        let differing = merkle.filter { $0.value == .bool(false) }.map(\.key)
        let unknown = merkle.filter { $0.value.isNull }.map(\.key)
        lines.append(
            differing.isEmpty
                ? (unknown.isEmpty
                    ? "  views: every table agrees on every member"
                    : "  views: clocks still differ, agreement not known for \(unknown.count) tables")
                : "  views DIFFER in: \(differing.joined(separator: ", "))")
        let folded = (status["log"]?["folded"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map {
            "\($0.key):\($0.value.canonicalText)"
        }
        lines.append(
            "  log: \(status["log"]?["events"]?.canonicalText ?? "?") events"
                + (folded.isEmpty ? ", nothing compacted yet" : " after the snapshot {\(folded.joined(separator: " "))}"))
        if let beacon = status["beacon"] { lines.append("  " + Self.describe(beacon: beacon)) }
        for (image, copies) in (status["images"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let held = (copies.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.stringValue ?? "?")" }
            lines.append("  image \(image): \(held.joined(separator: ", "))")
        }
        let incidents = status["incidents"]?.arrayValue ?? []
        lines.append(
            incidents.isEmpty
                ? "  incidents: none" : "  incidents:\n" + incidents.map { "    \($0.stringValue ?? "")" }.joined(separator: "\n")
        )
        return lines.joined(separator: "\n")
    }

    /// `beacon 10.141.255.254: held by c1 (here, lease 1.9 s left)` or `…: held by nobody known`.
    static func describe(beacon: JSONValue) -> String {
        let address = beacon["address"]?.stringValue ?? "(no beacon_ip set)"
        guard let holder = beacon["holder"]?.stringValue else {
            return "beacon \(address): held by nobody known to this controller"
        }
        var line = "beacon \(address): held by \(holder)"
        if case .int(let left)? = beacon["lease_ms"] {
            line += String(format: " (here, lease %.1f s left)", Double(left) / 1000)
        }
        if let failure = beacon["failure"]?.stringValue { line += "; last failure: \(failure)" }
        return line
    }
}
