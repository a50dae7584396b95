import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime

/// luna2's BMC control: one node (`GET /control/action/<subsystem>/<node>/_<action>`,
/// answered when the BMC answers), many (`POST /control/action/<subsystem>/_<action>`,
/// answered at once with a request id and the first results), and the results still to
/// read (`GET /control/status/<request_id>`). `GET /control/audit` is Luna's: the requests
/// every controller recorded.
enum ControlRoutes {
    static func add(to groups: RouteGroups, controller: Controller, requests: ControlRequests?) {
        // One parameter name per place in the path, as Hummingbird's trie wants: `target` is
        // the node here and the action in the bulk route.
        groups.admin.get("/control/action/:subsystem/:target/:action") { request, context in
            await answer { () async throws(LunaError) -> Response in
                let subsystem = try subsystemName(context)
                let action = try actionName(context, "action")
                let node = try context.checked("target", as: .object)
                do throws(LunaError) { try ControlRequests.check(subsystem, action) } catch {
                    // luna2 answers an unknown action as a failed BMC command.
                    return control(subsystem, .string(error.message), status: .notImplemented)
                }
                let outcome = try await available(requests).single(
                    subsystem, action, node: node, actor: request.actor, request: request.requestID)
                switch outcome {
                case .failed(let why): return control(subsystem, .string(why), status: .notImplemented)
                case .succeeded(let text):
                    return BMCControl.reads(action)
                        ? control(subsystem, .string(text), status: .ok) : Response(status: .noContent)
                }
            }
        }
        groups.admin.post("/control/action/:subsystem/:target") { request, context in
            await answer { () async throws(LunaError) -> Response in
                let subsystem = try subsystemName(context)
                let action = try actionName(context, "target")
                let body = try await RequestBody.object(request, at: ["control", subsystem, action])
                try FieldSchema.refuseUnknown(body, allowed: ["hostlist", "grouplist"], kind: "control")
                let hostlist = try text(body, "hostlist")
                let groupNames = try text(body, "grouplist").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }.filter { !$0.isEmpty }
                let (total, results) = try await available(requests).start(
                    subsystem, action, hostlist: hostlist, groups: groupNames, actor: request.actor,
                    request: request.requestID)
                return Responses.json(
                    results: results, subsystem: subsystem, action: action, request: request.requestID, total: total)
            }
        }
        groups.open.get("/control/status/:request_id") { _, context in
            await answer { () async throws(LunaError) -> Response in
                let id = context.decoded("request_id")
                guard RequestID.isValid(id) else {
                    throw .invalid("Incorrect Naming convention with request_id \(id): it \(RequestID.rule)")
                }
                guard let (subsystem, action, results) = await requests?.read(id) else {
                    return Responses.message("No data for this request", status: .notFound)
                }
                return Responses.json(results: results, subsystem: subsystem, action: action, request: id)
            }
        }
        groups.admin.get("/control/audit") { _, _ in
            let rows = await controller.read { $0.rows(.controlaudit) }
            return Responses.json(["control": ["audit": .object(rows.mapValues { .object($0) })]])
        }
    }

    /// `_on` → `on`: luna2's action segment starts with an underscore.
    static func actionName(_ context: LunaRequestContext, _ parameter: String) throws(LunaError) -> String {
        let segment = context.decoded(parameter)
        guard segment.hasPrefix("_"), isWord(segment.dropFirst()) else {
            throw LunaError(.invalid, "Invalid request: the action is a word after an underscore, as _on, not \(segment)")
        }
        return String(segment.dropFirst())
    }

    /// A subsystem or action: lowercase letters only (anything else is no request).
    static func subsystemName(_ context: LunaRequestContext) throws(LunaError) -> String {
        let subsystem = context.decoded("subsystem")
        guard isWord(Substring(subsystem)) else {
            throw LunaError(.invalid, "Invalid request: the subsystem is a word such as power, sel or chassis, not \(subsystem)")
        }
        return subsystem
    }

    static func isWord(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 32 && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) }
    }

    static func available(_ requests: ControlRequests?) throws(LunaError) -> ControlRequests {
        guard let requests else { throw LunaError(.unavailable, "Service unavailable: this controller drives no BMCs") }
        return requests
    }

    static func text(_ body: Row, _ field: String) throws(LunaError) -> String {
        guard let value = body[field] else { return "" }
        guard let text = value.stringValue else { throw LunaError(.invalid, "Invalid request: \(field) must be text") }
        return text
    }

    static func control(_ subsystem: String, _ value: JSONValue, status: HTTPResponse.Status) -> Response {
        Responses.json(["control": .object([subsystem: value])], status: status)
    }
}

extension Responses {
    /// luna2's bulk shape: per subsystem `ok` (with the BMC's answer), and for a power
    /// status `on` and `off`; `failed` with each reason.
    static func json(
        results: [ControlRequests.NodeResult], subsystem: String, action: String, request: String, total: Int? = nil
    ) -> Response {
        var ok: [String: JSONValue] = [:]
        var on: [String: JSONValue] = [:]
        var off: [String: JSONValue] = [:]
        var failed: [String: JSONValue] = [:]
        for result in results {
            switch result.outcome {
            case .failed(let why): failed[result.node] = .string(why)
            case .succeeded(let text) where subsystem == "power" && action == "status":
                switch text {
                case "on": on[result.node] = "None"
                case "off": off[result.node] = "None"
                default: failed[result.node] = .string("success with unparsable output: \(text)")
                }
            case .succeeded(let text): ok[result.node] = .string(text)
            }
        }
        var body: Row = [
            "request_id": .string(request),
            "control": .object([
                subsystem: ["ok": .object(ok), "on": .object(on), "off": .object(off)], "failed": .object(failed),
            ]),
        ]
        // Luna's: how many nodes the request acts on, for a progress line.
        if let total { body["total"] = .int(total) }
        return json(.object(body))
    }
}
