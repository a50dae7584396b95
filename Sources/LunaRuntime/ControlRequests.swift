import Foundation
import Logging
import LunaDomain
import LunaModel

/// BMC requests on the controller asked: one node at once, or many with at most
/// `concurrency` BMCs in flight, each result kept for `/control/status/<request_id>` as it
/// arrives. A slow or dead BMC holds only its own slot for its own time limit. A request
/// is performed here, once, never replayed; when it ends it is recorded as a
/// `Control.audit` event, which every controller shows.
public actor ControlRequests {
    public struct NodeResult: Sendable, Equatable {
        public let node: String
        public let outcome: BMCControl.Outcome
    }

    struct Request {
        let subsystem: String
        let action: String
        var unread: [NodeResult] = []
        var finished = false
        var touched: ContinuousClock.Instant
    }

    let controller: Controller
    let control: BMCControl
    let concurrency: Int
    let logger: Logger
    var requests: [String: Request] = [:]

    public init(controller: Controller, control: BMCControl, concurrency: Int, logger: Logger) {
        self.controller = controller
        self.control = control
        self.concurrency = concurrency
        self.logger = logger
    }

    /// Refuses a subsystem or action no plugin is asked to do, with luna2's sentence.
    public static func check(_ subsystem: String, _ action: String) throws(LunaError) {
        guard BMCControl.actions[subsystem]?.contains(action) == true else {
            throw LunaError(.unavailable, "Instruction not implemented")
        }
    }

    /// One node's action, answered when the BMC answers. A node that cannot be driven
    /// throws luna2's sentence; a BMC's refusal is the `.failed` outcome.
    public func single(
        _ subsystem: String, _ action: String, node: String, actor: String, request: String
    ) async throws(LunaError) -> BMCControl.Outcome {
        try Self.check(subsystem, action)
        let key = controller.key
        let target = try await controller.read { state throws(LunaError) in
            try BMCTarget(node: node, state: state, key: key)
        }
        let outcome = await control.perform(subsystem, action, on: target)
        await audit(request, subsystem, action, actor: actor, results: [NodeResult(node: node, outcome: outcome)])
        return outcome
    }

    /// Starts the action on every node of `hostlist` (luna2's `node[001-004]`) and of the
    /// groups named, and returns how many nodes it acts on and what arrived within `first`. Nothing acts on every node
    /// unless each is named or its group is.
    public func start(
        _ subsystem: String, _ action: String, hostlist: String, groups: [String], actor: String, request: String,
        first: Duration = .seconds(1)
    ) async throws(LunaError) -> (total: Int, results: [NodeResult]) {
        try Self.check(subsystem, action)
        let named: [String]
        do { named = try HostList.expand(hostlist) } catch {
            throw LunaError(.invalid, "Invalid request: invalid hostlist: \(error.description)")
        }
        let members = try await controller.read { state throws(LunaError) in
            var nodes: [String] = []
            for group in groups {
                guard state.row(.group, group) != nil else { throw .notFound("Group \(group) not present in database") }
                nodes += state.rows(.node).filter { $0.value["group"]?.stringValue == group }.keys.sorted()
            }
            return nodes
        }
        var seen = Set<String>()
        let nodes = (named + members).filter { seen.insert($0).inserted }
        guard !nodes.isEmpty else {
            throw LunaError(
                .invalid, "Invalid request: invalid hostlist: name the nodes (hostlist) or groups (grouplist) to act on")
        }
        forgetStale()
        let key = controller.key
        let targets = await controller.read { state in
            nodes.map { node -> (String, Result<BMCTarget, LunaError>) in
                do throws(LunaError) {
                    return (node, .success(try BMCTarget(node: node, state: state, key: key)))
                } catch {
                    return (node, .failure(error))
                }
            }
        }
        requests[request] = Request(subsystem: subsystem, action: action, touched: .now)
        Task { await run(subsystem, action, targets, actor: actor, request: request) }
        let deadline = ContinuousClock.now + first
        while ContinuousClock.now < deadline, requests[request]?.finished == false {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return (nodes.count, read(request)?.results ?? [])
    }

    /// The results not yet read; nil once the request has ended and all were read (and for
    /// a request this controller does not know).
    public func read(_ request: String) -> (subsystem: String, action: String, results: [NodeResult])? {
        forgetStale()
        guard var entry = requests[request] else { return nil }
        if entry.finished && entry.unread.isEmpty {
            requests[request] = nil
            return nil
        }
        let results = entry.unread
        entry.unread = []
        entry.touched = .now
        requests[request] = entry
        return (entry.subsystem, entry.action, results)
    }

    private func run(
        _ subsystem: String, _ action: String, _ targets: [(String, Result<BMCTarget, LunaError>)], actor: String,
        request: String
    ) async {
        var all: [NodeResult] = []
        await withTaskGroup(of: NodeResult.self) { group in
            var pending = targets[...]
            func launch() {
                guard let (node, target) = pending.popFirst() else { return }
                let control = self.control
                group.addTask {
                    switch target {
                    case .failure(let error): return NodeResult(node: node, outcome: .failed(error.message))
                    case .success(let target):
                        return NodeResult(node: node, outcome: await control.perform(subsystem, action, on: target))
                    }
                }
            }
            for _ in 0..<concurrency { launch() }
            for await result in group {
                all.append(result)
                requests[request]?.unread.append(result)
                launch()
            }
        }
        requests[request]?.finished = true
        await audit(request, subsystem, action, actor: actor, results: all)
    }

    /// Records who asked what of which nodes and how it went, for every controller.
    private func audit(_ request: String, _ subsystem: String, _ action: String, actor: String, results: [NodeResult]) async {
        var failed: [String: JSONValue] = [:]
        for result in results {
            if case .failed(let why) = result.outcome { failed[result.node] = .string(String(why.prefix(500))) }
        }
        RuntimeMetrics.task(subsystem, succeeded: failed.isEmpty)
        let now = Date()
        let body: Row = [
            "time": .string(ISO8601DateFormatter().string(from: now)),
            "status_time": .int(Int(now.timeIntervalSince1970 * 1000)), "controller": .string(controller.name),
            "subsystem": .string(subsystem), "action": .string(action),
            "nodes": .array(results.map(\.node).sorted().map { .string($0) }),
            "succeeded": .int(results.count - failed.count), "failed": .object(failed),
        ]
        do throws(LunaError) {
            _ = try await controller.submit(
                "Control.audit", object: request, body: body, actor: actor, requestID: request, requireSync: false)
        } catch {
            logger.error(
                "control request \(request) (\(subsystem) \(action) by \(actor)) could not be recorded: \(error.message)")
        }
    }

    /// Requests nobody has read for an hour are dropped.
    private func forgetStale() {
        let now = ContinuousClock.now
        requests = requests.filter { now - $0.value.touched < .seconds(3600) }
    }
}
