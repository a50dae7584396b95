import LunaDomain
import LunaModel
import LunaServices
import LunaTransport

/// luna2's `_osgrab` and `_ospush`: a running node's filesystems into the image's tree
/// (a dry run unless `nodry`, then a pack unless `bare`), and the tree onto running nodes,
/// a bounded number at once, with a line per node.
extension ImageWork {
    // A controller without the nodes' key takes the request and reports why it cannot
    // act in the request's lines, as luna2 reports a failed task: it is not the request's fault.
    func checkGrab(_ task: PeerTasks.Task) async throws(LunaError) {
        _ = try await treeOf(task.object)
        guard let node = task.options["node"]?.stringValue else { throw .invalid("Invalid request: a grab names its node") }
        _ = try await address(of: node)
        if task.options["nodry"] == .bool(true), task.options["bare"] != .bool(true) { try requirePacker() }
    }

    func performGrab(_ task: PeerTasks.Task, report: @escaping @Sendable (String) -> Void) async throws(LunaError) -> String {
        let rsync = try requireRsync()
        let node = task.options["node"]?.stringValue ?? ""
        let dryRun = task.options["nodry"] != .bool(true)
        let tree = try await treeOf(task.object)
        let address = try await address(of: node)
        let (filesystems, excludes) = await scope(of: task.object)
        report(
            "grabbing \(filesystems.joined(separator: ", ")) of node \(node) (\(address)) into \(tree)"
                + (dryRun ? ": a dry run, nothing changes (ask with nodry to apply)" : ""))
        let summary = try await rsync.grab(
            from: address, into: tree, filesystems: filesystems, excludes: excludes, dryRun: dryRun)
        let grabbed = "node \(node) into OS image \(task.object): \(summary.text)"
        if dryRun { return "dry run of the grab of \(grabbed) would be transferred" }
        report("grabbed \(grabbed)")
        if task.options["bare"] == .bool(true) { return "grabbed \(grabbed); not packed (bare)" }
        return try await performPack(task, report: report)
    }

    func checkPush(_ task: PeerTasks.Task) async throws(LunaError) {
        _ = try await treeOf(task.object)
        let nodes = task.options["nodes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard !nodes.isEmpty else { throw .invalid("Invalid request: a push names the nodes it copies to") }
        for node in nodes { _ = try await address(of: node) }
    }

    func performPush(_ task: PeerTasks.Task, report: @escaping @Sendable (String) -> Void) async throws(LunaError) -> String {
        let rsync = try requireRsync()
        let tree = try await treeOf(task.object)
        let nodes = task.options["nodes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var targets: [(String, String)] = []
        for node in nodes { targets.append((node, try await address(of: node))) }
        let (filesystems, excludes) = await scope(of: task.object)
        report("pushing OS image \(task.object) to \(nodes.count) nodes, \(pushConcurrency) at a time")
        let failures = await withTaskGroup(of: (String, String?).self) { group -> [String] in
            var failures: [String] = []
            var pending = targets[...]
            func next() {
                guard let (node, address) = pending.popFirst() else { return }
                group.addTask {
                    do throws(LunaError) {
                        let summary = try await rsync.push(tree, to: address, filesystems: filesystems, excludes: excludes)
                        report("\(node): pushed, \(summary.text)")
                        return (node, nil)
                    } catch {
                        return (node, error.message)
                    }
                }
            }
            for _ in 0..<min(pushConcurrency, targets.count) { next() }
            for await (node, failure) in group {
                if let failure { failures.append("\(node): \(failure)") }
                next()
            }
            return failures.sorted()
        }
        guard failures.isEmpty else {
            throw LunaError(
                .unavailable,
                "the push of OS image \(task.object) failed on \(failures.count) of \(nodes.count) nodes: \(failures.joined(separator: "; "))"
            )
        }
        return "OS image \(task.object) pushed to \(nodes.count) nodes"
    }

    func requireRsync() throws(LunaError) -> TreeRsync {
        guard let rsync else {
            throw LunaError(
                .unavailable,
                "Service unavailable: \(controller.name) has no key for the nodes' root login: set [IMAGES] SSH_KEY in its luna.ini"
            )
        }
        return rsync
    }

    /// The address of the node's provisioning interface, which a grab or push reaches.
    func address(of node: String) async throws(LunaError) -> String {
        let found = await controller.read { state -> String?? in
            guard let row = state.row(.node, node) else { return .none }
            let interface = Inheritance(state: state).node("provision_interface", node: row).value?.stringValue ?? "BOOTIF"
            let facts = state.row(.nodeinterface, RowKey.child(node, interface))
            return .some(facts?["ipaddress"]?.stringValue ?? facts?["ipaddress_ipv6"]?.stringValue)
        }
        guard let known = found else { throw .notFound("Node \(node) not present in database") }
        guard let address = known else {
            throw .invalid("Invalid request: node \(node) has no address on its provisioning interface to reach it by ssh")
        }
        return address
    }

    /// The image's `grab_filesystems` (default `/`) and `grab_exclude`, lists separated by
    /// commas or spaces.
    func scope(of image: String) async -> (filesystems: [String], excludes: [String]) {
        let row = await controller.read { $0.row(.osimage, image) } ?? [:]
        func list(_ field: String) -> [String] {
            (row[field]?.stringValue ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        }
        let filesystems = list("grab_filesystems")
        return (filesystems.isEmpty ? ["/"] : filesystems, list("grab_exclude"))
    }
}
