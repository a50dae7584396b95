import LunaModel

/// The audit of BMC requests. A power action is not an intent: the controller asked
/// performs it, once, and a replay never repeats it. What it did is then recorded here, so
/// every controller can show who asked what of which nodes, and how it went.
enum ControlIntents {
    static let all: [IntentHandler] = [audit]

    /// Rows kept: the oldest (by the time recorded, then request id) go first.
    static let kept = 1000

    static let audit = IntentHandler(
        name: "Control.audit",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(
                body, allowed: ["time", "controller", "subsystem", "action", "nodes", "succeeded", "failed"],
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
            return .object(record)
        },
        apply: { state, request, payload throws(LunaError) in
            state.put(.controlaudit, request, payload)
            let rows = state.rows(.controlaudit)
            if rows.count > kept {
                let oldest = rows.sorted {
                    ($0.value["time"]?.stringValue ?? "", $0.key) < ($1.value["time"]?.stringValue ?? "", $1.key)
                }
                for (key, _) in oldest.prefix(rows.count - kept) { state.remove(.controlaudit, key) }
            }
            return .changed("control request \(request) recorded")
        })
}
