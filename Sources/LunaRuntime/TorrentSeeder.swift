import Foundation
import Logging
import LunaDomain
import LunaModel
import LunaServices

/// Seeds every image archive this controller holds verified, with its torrent, so nodes
/// installing by torrent download from every controller and from each other. One `aria2c`
/// seeds them all; it announces to the tracker at the address nodes reach (the beacon),
/// and is restarted when the set of torrents or that address changes. It reads the
/// verified files in place and never writes to them.
public actor TorrentSeeder {
    let controller: Controller
    let store: ImageFileStore
    let port: Int
    let scheme: String
    /// Where aria2c's log goes.
    let logFile: String
    let logger: Logger
    var running: (plan: Plan, task: Task<Void, Never>)?
    var lastStart: ContinuousClock.Instant?

    struct Plan: Equatable {
        var torrents: [String]
        var announce: String
    }

    public init(controller: Controller, store: ImageFileStore, port: Int, scheme: String, logFile: String, logger: Logger) {
        self.controller = controller
        self.store = store
        self.port = port
        self.scheme = scheme
        self.logFile = logFile
        self.logger = logger
    }

    public func pass() async {
        let scheme = self.scheme
        let (pairs, announce) = await controller.read { state in
            let wanted = ImageFileRef.wanted(in: state)
            let pairs = wanted.values.filter { $0.name.hasSuffix("." + TorrentFile.suffix) }.compactMap { torrent in
                wanted[String(torrent.name.dropLast(TorrentFile.suffix.count + 1))].map { (torrent, $0) }
            }
            return (pairs, (try? ControllerEndpoint(state: state, scheme: scheme)).map { "\($0.url)/announce" })
        }
        var torrents: [String] = []
        for (torrent, archive) in pairs where await store.isVerified(torrent.name) {
            if await store.isVerified(archive.name) { torrents.append(store.path(torrent.name)) }
        }
        let plan = announce.map { Plan(torrents: torrents.sorted(), announce: $0) }
        if let running, running.plan == plan { return }
        stop()
        guard let plan, !plan.torrents.isEmpty else { return }
        // A seeder that ends at once (a port taken) is not restarted more than twice a minute.
        if let lastStart, ContinuousClock.now - lastStart < .seconds(30) { return }
        lastStart = .now
        start(plan)
    }

    public func stop() {
        running?.task.cancel()
        running = nil
    }

    private func start(_ plan: Plan) {
        let argv =
            [
                "aria2c", "--quiet=true", "--dir=\(store.directory)", "--seed-ratio=0.0", "--bt-seed-unverified=true",
                "--check-integrity=false", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--listen-port=\(port)", "--bt-exclude-tracker=*", "--bt-tracker=\(plan.announce)",
                "--bt-detach-seed-only=true", "--bt-max-peers=0", "--file-allocation=none", "--auto-file-renaming=false",
                // The tracker only names peers, and every piece is checked by its hash.
                "--allow-overwrite=false", "--check-certificate=false", "--stop-with-process=\(getpid())",
                "--log=\(logFile)", "--log-level=warn",
            ] + plan.torrents
        let logger = self.logger
        logger.notice("seeding \(plan.torrents.count) image torrents on port \(port), announcing to \(plan.announce)")
        let task = Task {
            let reason: String
            do throws(LunaError) {
                let finished = try await ProgramRun(argv, timeout: .seconds(100 * 365 * 86400)).run()
                reason = "aria2c ended (\(finished.status)); see \(self.logFile)"
            } catch {
                reason = error.message
            }
            guard !Task.isCancelled else { return }
            logger.warning("image torrents are not seeded: \(reason)")
            ended(plan)
        }
        running = (plan, task)
    }

    private func ended(_ plan: Plan) {
        if running?.plan == plan { running = nil }
    }
}
