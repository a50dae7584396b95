import Foundation
import LunaModel
import LunaRuntime

/// One control command: a single node is asked and answered at once; several are asked
/// in bulk and followed at `/control/status/<request_id>`, with a progress line while
/// results arrive and a table at the end. Any node that failed makes the command fail.
struct ControlRun {
    let subsystem: String
    let action: String
    let targets: ControlTargets

    func run(_ connection: ConnectionOptions) async throws {
        guard BMCControl.actions[subsystem]?.contains(action) == true else {
            let known = BMCControl.actions[subsystem]?.joined(separator: ", ") ?? ""
            throw CommandFailure(description: "\(subsystem) has no action \(action): \(known)")
        }
        guard targets.nodes != nil || targets.group != nil else {
            throw CommandFailure(description: "name the nodes (a host list such as node[001-004]) or --group to act on")
        }
        let client = try APIClient(connection)
        let named: [String]
        do { named = try HostList.expand(targets.nodes ?? "") } catch { throw CommandFailure(description: "\(error)") }
        if targets.group == nil, named.count == 1 {
            try await single(named[0], client: client)
        } else {
            try await bulk(client: client)
        }
    }

    private func single(_ node: String, client: APIClient) async throws {
        let response = try await client.get("/control/action/\(subsystem)/\(node)/_\(action)")
        let answer = response.json?["control"]?[subsystem]?.stringValue
        switch response.status {
        case 200: print(BMCControl.reads(action) && subsystem == "sel" ? answer ?? "" : "\(node): \(answer ?? "")")
        case 204: print("\(node): \(subsystem) \(action) done")
        case 501: throw CommandFailure(description: "\(node): \(answer ?? response.sentence)")
        default: throw CommandFailure(description: response.sentence)
        }
    }

    private func bulk(client: APIClient) async throws {
        var request: [String: JSONValue] = [:]
        if let nodes = targets.nodes { request["hostlist"] = .string(nodes) }
        if let group = targets.group { request["grouplist"] = .string(group) }
        let body: JSONValue = ["control": .object([subsystem: .object([action: .object(request)])])]
        let first = try await client.post("/control/action/\(subsystem)/_\(action)", body).expect(200)
        guard let id = first.json?["request_id"]?.stringValue else {
            throw CommandFailure(description: "the controller answered without a request id: \(first.sentence)")
        }
        var total: Int?
        if case .int(let count)? = first.json?["total"] { total = count }
        var results: [String: (ok: Bool, text: String)] = [:]
        collect(first.json, into: &results)
        let live = isatty(STDERR_FILENO) == 1
        while true {
            if live { progress(results, total: total) }
            try await Task.sleep(for: .milliseconds(500))
            let response = try await client.get("/control/status/\(id)")
            if response.status == 404 { break }
            collect(try response.expect(200).json, into: &results)
        }
        if live { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let rows = results.keys.sorted().map { node in [node, results[node]!.ok ? "ok" : "failed", results[node]!.text] }
        print(
            TextTable(header: ["NODE", "RESULT", "ANSWER"], rows: rows, overflow: .wrap).render(width: TerminalWidth.current()))
        let failed = results.values.filter { !$0.ok }.count
        if failed > 0 {
            throw CommandFailure(description: "\(subsystem) \(action) failed on \(failed) of \(results.count) nodes")
        }
    }

    private func progress(_ results: [String: (ok: Bool, text: String)], total: Int?) {
        let failed = results.values.filter { !$0.ok }.count
        let line = "\(subsystem) \(action): \(results.count)\(total.map { " of \($0)" } ?? "") answered, \(failed) failed"
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// luna2's shape: `<subsystem>` with `ok`, `on`, `off`; `failed` with the reasons.
    private func collect(_ json: JSONValue?, into results: inout [String: (ok: Bool, text: String)]) {
        guard let control = json?["control"] else { return }
        for (bucket, label) in [("ok", nil), ("on", "on"), ("off", "off")] as [(String, String?)] {
            for (node, value) in control[subsystem]?[bucket]?.objectValue ?? [:] {
                results[node] = (true, label ?? value.stringValue ?? "")
            }
        }
        for (node, value) in control["failed"]?.objectValue ?? [:] { results[node] = (false, value.stringValue ?? "") }
    }
}
