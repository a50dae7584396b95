import LunaModel

/// The audit of BMC requests. A power action is not an intent: the controller asked
/// performs it, once, and a replay never repeats it. What it did is then recorded here, so
/// every controller can show who asked what of which nodes, and how it went. Version 2
/// carries `status_time`: a power action that succeeded becomes its nodes' monitor state
/// ("power on"), as in luna2; version 1 events replay as they always did.
enum ControlIntents {
    static let all: [IntentHandler] = [audit]

    /// Rows kept: the oldest (by the time recorded, then request id) go first.
    static let kept = 1000

    static let audit = IntentHandler(
        name: "Control.audit", version: 2,
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(
                body, allowed: ["time", "status_time", "controller", "subsystem", "action", "nodes", "succeeded", "failed"],
                kind: "control audit")
            var record: Row = [:]
            for field in ["time", "controller", "subsystem", "action"] {
                guard let text = body[field]?.stringValue, !text.isEmpty, text.utf8.count <= 200 else {
                    throw .invalid("Invalid request: \(field) is required")
                }
                record[field] = .string(text)
            }
            guard case .array(let nodes)? = body["nodes"], nodes.allSatisfy({ $0.stringValue != nil }),
                case .int(let succeeded)? = body["succeeded"], (0...nodes.count).contains(succeeded),
                case .object(let failed)? = body["failed"], failed.values.allSatisfy({ $0.stringValue != nil })
            else {
                throw .invalid("Invalid request: a control audit names its nodes, how many succeeded and why each other failed")
            }
            record["nodes"] = .array(nodes)
            record["succeeded"] = .int(succeeded)
            record["failed"] = .object(failed)
            guard case .int(let millis)? = body["status_time"], millis >= 0 else {
                throw .invalid("Invalid request: status_time (milliseconds since 1970) is required")
            }
            record["status_time"] = .int(millis)
            return .object(record)
        },
        apply: { state, request, payload throws(LunaError) in
            var record = payload
            if let millis = record.removeValue(forKey: "status_time") { markPowered(&state, record, at: millis) }
            state.put(.controlaudit, request, record)
            let rows = state.rows(.controlaudit)
            if rows.count > kept {
                let oldest = rows.sorted {
                    ($0.value["time"]?.stringValue ?? "", $0.key) < ($1.value["time"]?.stringValue ?? "", $1.key)
                }
                for (key, _) in oldest.prefix(rows.count - kept) { state.remove(.controlaudit, key) }
            }
            return .changed("control request \(request) recorded")
        })

    /// Version 1, as the previous release wrote it: no `status_time` (what the runtime
    /// sends is left out), so a power action leaves the nodes' states alone.
    static let auditVersion1 = IntentHandler(
        name: "Control.audit", version: 1,
        prepare: { object, body, context throws(LunaError) in
            var payload = try audit.prepare(object, body, context)
            if case .object(var record) = payload {
                record["status_time"] = nil
                payload = .object(record)
            }
            return payload
        },
        apply: audit.apply)

    /// Actions after which luna2 shows a node's state as the action itself.
    static let statesSet: Set<String> = ["on", "off", "reset", "cycle"]

    /// Nodes a power action succeeded on show it as their state ("power off"); nodes
    /// deleted since are passed over.
    private static func markPowered(_ state: inout ClusterState, _ record: Row, at millis: JSONValue) {
        guard record["subsystem"] == "power", let action = record["action"]?.stringValue, statesSet.contains(action),
            case .array(let nodes)? = record["nodes"], case .object(let failed)? = record["failed"]
        else { return }
        for case .string(let name) in nodes where failed[name] == nil {
            guard var node = state.row(.node, name) else { continue }
            node["status"] = .string("power \(action)")
            node["status_time"] = millis
            state.put(.node, name, node)
        }
    }
}
