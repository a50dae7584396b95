import Foundation
import Logging
import LunaDomain
import LunaModel
import LunaServices
import LunaTransport

/// OS image work that runs on the master, where the trees are changed (pack, kernel
/// change, clone, grab, push): asked of any controller, run on the master, its progress
/// lines streamed back to the controller asked, where the client follows
/// `/config/status/<request_id>`. Two tasks on one image never run at once: the second
/// waits for the first.
public actor ImageWork {
    public typealias Forward = @Sendable (_ master: String, _ task: PeerTasks.Task) async -> PeerSender.Forwarded

    let controller: Controller
    /// Nil when this controller cannot pack (no node login to bake into initrds).
    let packer: ImagePacker?
    /// Nil when this controller has no key for the nodes' root login (grab, push).
    let rsync: TreeRsync?
    /// Nodes a push copies to at once.
    let pushConcurrency: Int
    /// Where this controller keeps image trees (`<trees>/<image>`); nil for the images' paths.
    let trees: String?
    let forward: Forward?
    /// This controller's API protocol, for the tracker URL a torrent names.
    let scheme: String
    let logger: Logger
    /// Images with a task running here, and the tasks waiting for each.
    var busy: Set<String> = []
    var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public static let kinds: Set<String> = ["pack", "kernel", "clone", "grab", "push"]

    public init(
        controller: Controller, packer: ImagePacker?, rsync: TreeRsync? = nil, pushConcurrency: Int = 16, trees: String? = nil,
        forward: Forward?, scheme: String = "http", logger: Logger
    ) {
        self.controller = controller
        self.packer = packer
        self.rsync = rsync
        self.pushConcurrency = pushConcurrency
        self.trees = trees
        self.forward = forward
        self.scheme = scheme
        self.logger = logger
    }

    /// Starts `task` where it runs, or refuses it with the sentence the client reads. It is
    /// under way when this returns; its lines go to this controller's stream of its request.
    public func start(_ kind: String, image: String, actor: String, request: String, options: Row = [:]) async throws(LunaError) {
        let task = PeerTasks.Task(kind: kind, object: image, actor: actor, request: request, options: options)
        guard let master = await controller.replicationState.master else {
            throw LunaError(.unavailable, "Service unavailable: this cluster has no master controller to \(task.kind) OS images")
        }
        let relay: AsyncThrowingStream<PeerTasks.Line, any Error>
        if master == controller.name {
            let lines = try await accept(task)
            relay = AsyncThrowingStream { continuation in
                let copying = Task {
                    for await line in lines { continuation.yield(line) }
                    continuation.finish()
                }
                continuation.onTermination = { _ in copying.cancel() }
            }
        } else {
            guard let forward else {
                throw LunaError(
                    .unavailable,
                    "Service unavailable: \(task.kind) runs on the master \(master), and this controller does not replicate")
            }
            switch await forward(master, task) {
            case .running(let lines): relay = lines
            case .refused(let error): throw error
            case .unreachable(let why):
                logger.warning("the master \(master) did not take \(task.kind) of \(task.object): \(why)")
                throw LunaError(
                    .unavailable,
                    "Service unavailable: OS image \(task.kind) runs on the master, and the master controller \(master) does not answer. "
                        + "Make a live controller the master (GET /ha/master/_set on it) and ask again")
            }
        }
        await controller.startTask(task.request, actor: task.actor)
        let controller = self.controller
        Task {
            do {
                for try await line in relay { await controller.reportTask(task.request, line.text, status: line.status) }
            } catch {
                let message = (error as? LunaError)?.message ?? "\(error)"
                await controller.reportTask(task.request, "error \(task.kind) \(task.object): \(message)", status: 500)
            }
            await controller.endTask(task.request)
        }
    }

    /// A task this controller runs as the master: checked now (a refusal is the client's
    /// answer), then run; its lines as they come.
    public func accept(_ task: PeerTasks.Task) async throws(LunaError) -> AsyncStream<PeerTasks.Line> {
        guard Self.kinds.contains(task.kind) else { throw .invalid("Invalid request: \(task.kind) is not an OS image task") }
        guard await controller.replicationState.master == controller.name else {
            throw LunaError(
                .unavailable,
                "Service unavailable: \(controller.name) is not the master, and OS image \(task.kind) runs there only")
        }
        switch task.kind {
        case "clone": try await checkClone(task)
        case "grab": try await checkGrab(task)
        case "push": try await checkPush(task)
        default: try checkPack(task, tree: try await treeOf(task.object))
        }
        let (lines, sink) = AsyncStream.makeStream(of: PeerTasks.Line.self)
        Task { await self.run(task, into: sink) }
        return lines
    }

    private func run(_ task: PeerTasks.Task, into sink: AsyncStream<PeerTasks.Line>.Continuation) async {
        let image = task.object
        if busy.contains(image) {
            sink.yield(.init("\(task.kind) \(image) waits for the task running on it"))
            // `release` hands the image over: it stays busy from one task to the next.
            await withCheckedContinuation { waiting[image, default: []].append($0) }
        } else {
            busy.insert(image)
        }
        defer { release(image) }
        // `perform` packs for any kind it does not know, and the metric says so.
        let metricKind = Self.kinds.contains(task.kind) ? task.kind : "pack"
        do throws(LunaError) {
            let text = try await perform(task) { sink.yield(.init($0)) }
            sink.yield(.init("finished \(task.kind) \(image): \(text)"))
            RuntimeMetrics.task(metricKind, succeeded: true)
        } catch {
            sink.yield(.init("error \(task.kind) \(image): \(error.message)", status: 500))
            RuntimeMetrics.task(metricKind, succeeded: false)
        }
        sink.finish()
    }

    private func release(_ image: String) {
        guard var queue = waiting[image], !queue.isEmpty else {
            busy.remove(image)
            return
        }
        let next = queue.removeFirst()
        waiting[image] = queue.isEmpty ? nil : queue
        next.resume()
    }

    private func perform(_ task: PeerTasks.Task, report: @escaping @Sendable (String) -> Void) async throws(LunaError) -> String {
        switch task.kind {
        case "clone": try await performClone(task, report: report)
        case "grab": try await performGrab(task, report: report)
        case "push": try await performPush(task, report: report)
        default: try await performPack(task, report: report)
        }
    }

    /// The image's tree on this controller, which every task needs.
    func treeOf(_ image: String) async throws(LunaError) -> String {
        let row = await controller.read { $0.row(.osimage, image) }
        guard let row else { throw .notFound("OS Image \(image) not present in database") }
        guard let path = row["path"]?.stringValue, !path.isEmpty else {
            throw .invalid("Invalid request: OS image \(image) has no path: set its path to the image's unpacked tree first")
        }
        return try ImagePacker.checkTreePath(localTree(image, path: path), image: image)
    }

    func localTree(_ image: String, path: String) -> String {
        trees.map { "\($0)/\(image)" } ?? path
    }

    func submit(_ task: PeerTasks.Task, _ intent: String, _ body: Row) async throws(LunaError) {
        _ = try await controller.submit(intent, object: task.object, body: body, actor: task.actor, requestID: task.request)
    }

    /// A pack this controller recorded as started but that no task here runs (the process
    /// was stopped or crashed mid-pack): recorded as failed, so nodes stop waiting and the
    /// previous files stay current.
    public func reportInterruptedPacks() async {
        let me = controller.name
        let stale = await controller.read { state in
            state.rows(.osimage).compactMap { name, row -> (String, String)? in
                guard row["packing"]?["controller"]?.stringValue == me, let request = row["packing"]?["request"]?.stringValue
                else { return nil }
                return (name, request)
            }
        }
        for (image, request) in stale where !busy.contains(image) {
            packer?.removeLeftovers(of: request)
            do throws(LunaError) {
                _ = try await controller.submit(
                    "OSImage.packFailed", object: image,
                    body: [
                        "request": .string(request), "reason": .string("the pack was cut short: \(me) stopped while packing"),
                    ],
                    actor: "lunad", requestID: request)
                logger.warning(
                    "the pack of \(image) (request \(request)) was cut short by a stop of this controller: recorded as failed")
            } catch {
                logger.warning("could not record the interrupted pack of \(image) as failed: \(error.message)")
            }
        }
    }
}
