import Foundation
import Logging
import LunaDomain
import LunaModel
import LunaRuntime
import LunaTransport
import ServiceLifecycle

/// Controllers in this process replicating over mutual TLS on loopback, wired as lunad
/// wires them (a listener and a sender each, certificates from a fresh cluster CA), so
/// that a benchmark can watch each one's applied clock without polling an API.
final class BenchCluster: @unchecked Sendable {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("luna-bench-cluster-\(UUID())").path
    let names: [String]
    private let base = Int.random(in: 200..<400) * 100
    private let logger: Logger
    private let lock = NSLock()
    private var controllers: [String: Controller] = [:]
    private var groups: [String: ServiceGroup] = [:]
    private var tasks: [String: Task<Void, Never>] = [:]

    init(names: [String]) throws {
        self.names = names
        var logger = Logger(label: "luna-bench")
        logger.logLevel = ProcessInfo.processInfo.environment["LUNA_BENCH_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        self.logger = logger
        _ = try ClusterCertificates(folder: directory + "/certs").create(controllers: names, addresses: ["127.0.0.1"])
    }

    func controller(_ name: String) -> Controller {
        lock.withLock { controllers[name]! }
    }

    /// Starts one controller on its data directory, replicating with the others.
    @discardableResult
    func start(_ name: String, fsync: Bool, pullInterval: Int64 = 1000) throws -> Controller {
        let peers = names.filter { $0 != name }
        let controller = try Controller(
            directory: DataDirectory(directory + "/" + name), name: name, fsync: fsync, logger: logger, peers: peers,
            pullInterval: pullInterval)
        let tls = try PeerTLS(certificates: ClusterCertificates(folder: directory + "/certs"), controller: name)
        let listener = try PeerListener.application(
            bind: "127.0.0.1", port: port(name), tls: tls, logger: logger, receive: { await controller.receive($0) },
            join: { (name, address) throws(LunaError) in try await controller.admit(name, address: address) })
        let addresses = Dictionary(uniqueKeysWithValues: peers.map { ($0, "127.0.0.1:\(port($0))") })
        let sender = PeerSender(peers: addresses, tls: tls, logger: logger).service(for: controller)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: listener), .init(service: sender)], logger: logger))
        lock.withLock {
            controllers[name] = controller
            groups[name] = group
            tasks[name] = Task { try? await group.run() }
        }
        return controller
    }

    /// A network, a group and the members as controllers, written on `name` as a new
    /// cluster's seeding is.
    func seed(on name: String) async throws {
        let steps: [(String, String, Row)] =
            [
                ("Network.update", "cluster", ["network": "10.128.0.0/12"]),
                ("Group.update", "compute", ["interfaces": [["interface": "BOOTIF", "network": "cluster"]]]),
            ] + names.map { ("Controller.update", $0, [:]) }
        for (intent, object, body) in steps {
            _ = try await controller(name).submit(
                intent, object: object, body: body, actor: "bench", requestID: "seed", requireSync: false)
        }
    }

    /// Waits until the controllers named hold the same events as `name`.
    func caughtUp(_ others: [String], with name: String, seconds: Double = 120) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let target = await controller(name).appliedClock
            var all = true
            for other in others where await controller(other).appliedClock != target { all = false }
            if all { return }
            try await Task.sleep(for: .milliseconds(1))
        }
        throw BenchFailure(description: "\(others.joined(separator: ", ")) did not catch up with \(name) in \(seconds) s")
    }

    func stop() async {
        for name in lock.withLock({ Array(controllers.keys) }) { await stop(name) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops one controller: its listener, its sender, its files closed.
    func stop(_ name: String) async {
        let (group, task, controller) = lock.withLock {
            (groups.removeValue(forKey: name), tasks.removeValue(forKey: name), controllers.removeValue(forKey: name))
        }
        await group?.triggerGracefulShutdown()
        await task?.value
        await controller?.close()
    }

    /// Stops one controller and removes its data directory.
    func wipe(_ name: String) async throws {
        await stop(name)
        try FileManager.default.removeItem(atPath: directory + "/" + name)
    }

    private func port(_ name: String) -> Int {
        base + names.firstIndex(of: name)!
    }
}
