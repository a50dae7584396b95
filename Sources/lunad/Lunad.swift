import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import LunaAPI
import LunaBoot
import LunaModel
import LunaRuntime
import LunaServices
import LunaTransport
import ServiceLifecycle

/// The Luna controller daemon: reads luna.ini, opens (or seeds) the data directory and
/// serves luna2's REST API.
@main
struct Lunad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lunad", abstract: "Run a Luna cluster controller.", version: LunaVersion.description)

    @Option(help: "The luna.ini to read (optional; the default is /etc/luna/luna.ini).")
    var config = "/etc/luna/luna.ini"

    @Option(help: "Overrides [DATA] DIRECTORY for this run.")
    var dataDir: String?

    @Option(help: "Overrides [API] PORT for this run.")
    var port: Int?

    @Option(help: "Seeds an empty data directory from this bootstrap.ini (overrides [DATA] BOOTSTRAP).")
    var bootstrap: String?

    @Option(help: "Overrides [CONTROLLER] NAME for this run.")
    var name: String?

    @Flag(help: "Write and apply only the intents of the previous release, as that build did (rolling-upgrade tests).")
    var previousIntents = false

    func run() async throws {
        JournalLogHandler.bootstrap()
        let logger = Logger(label: "lunad")
        do {
            try await serve(logger: logger)
        } catch let error as CleanExit {
            throw error
        } catch {
            FileHandle.standardError.write(Data("lunad: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func serve(logger: Logger) async throws {
        let metrics = MetricsSetup.bootstrap()
        RuntimeMetrics.register(services: ["dhcp", "dhcp6", "dns"])
        let settings = try LunaConfig.load(
            path: config, overrides: .init(dataDirectory: dataDir, port: port, bootstrap: bootstrap, name: name))
        let replication = settings.replication
        let lock = try DirectoryLock(DataDirectory(settings.dataDirectory))
        try ListenAddress(host: settings.bind, port: settings.port, setting: "[API] BIND and PORT in \(config), or --port")
            .checkFree()
        if let replication {
            try ListenAddress(host: replication.bind, port: replication.port, setting: "[REPLICATION] BIND and PORT in \(config)")
                .checkFree()
        }
        let controller = try Controller(
            directory: DataDirectory(settings.dataDirectory), name: settings.name, fsync: settings.fsync, logger: logger,
            peers: Array(replication?.peers.keys ?? [:].keys), pullInterval: replication?.pullInterval ?? 1000,
            registry: previousIntents ? .previousRelease : .current)
        // An empty controller is seeded from a bootstrap file, or, with peers, pulls the
        // cluster from them; with neither it has nothing to serve.
        if await controller.isEmpty {
            if let bootstrap = settings.bootstrap {
                try await Bootstrap(path: bootstrap).seed(controller)
                logger.notice("seeded the cluster from \(bootstrap)")
            } else if replication?.peers.isEmpty ?? true {
                throw StartupError(
                    description:
                        "the data directory \(settings.dataDirectory) holds no cluster yet and no bootstrap file was given: "
                        + "pass --bootstrap FILE or set [DATA] BOOTSTRAP in \(config)")
            } else {
                logger.notice("the data directory is empty: pulling the cluster from \(replication!.peers.keys.sorted())")
            }
        }
        try FileManager.default.createDirectory(atPath: settings.imageFiles, withIntermediateDirectories: true)
        let plugins = PluginLibrary(directory: settings.plugins)
        var serviceSettings = settings.services
        if case .keepalived(let interface, let file, let reload) = settings.beacon {
            serviceSettings.keepalived = .init(interface: interface, config: file, reload: reload)
        }
        let serviceRunner =
            serviceSettings.isEmpty
            ? nil
            : ServiceRunner(controller: controller, settings: serviceSettings, scheme: settings.tls == nil ? "http" : "https")
        let peerTLS = try replication.map {
            try PeerTLS(certificates: ClusterCertificates(folder: $0.certificates), controller: settings.name)
        }
        let sender = replication.flatMap { config in
            peerTLS.map { PeerSender(peers: config.peers, tls: $0, logger: logger) }
        }
        var beacon: BeaconKeeper?
        if case .luna(let beaconSettings) = settings.beacon {
            beacon = BeaconKeeper(controller: controller, settings: beaconSettings) { peer, candidate, request in
                await sender?.askBeacon(peer, candidate: candidate, request: request.rawValue, timeout: .milliseconds(400))
                    .map { BeaconVoter.Answer(granted: $0.granted, holder: $0.holder) }
            }
        }
        let imageStore = ImageFileStore(directory: settings.imageFiles)
        var forward: ImageWork.Forward?
        var fetch: ImageFileReconciler.Fetch?
        var held: ImageCopies.Held?
        if let sender {
            forward = { master, task in await sender.forwardTask(master, task) }
            fetch = { peer, name, part in await sender.fetchFile(peer, name: name, into: part) }
            held = { peer in await sender.heldFiles(peer) }
        }
        let packer = settings.nodeLogin.map { login in
            ImagePacker(store: imageStore, nodeINI: "USERNAME=\(login.username)\nPASSWORD=\(login.password)\n")
        }
        let rsync = settings.sshKey.map { TreeRsync(key: $0, knownHosts: settings.dataDirectory + "/known_hosts") }
        let images = ImageWork(
            controller: controller, packer: packer, rsync: rsync, pushConcurrency: settings.pushConcurrency,
            trees: settings.trees, forward: forward, scheme: settings.tls == nil ? "http" : "https", logger: logger)
        let treeSync = ImageTreeSync(controller: controller, store: imageStore, trees: settings.trees, logger: logger)
        let imageFiles = ImageFileReconciler(
            controller: controller, store: imageStore, fetch: fetch,
            keepUnreferenced: .milliseconds(settings.keepUnreferenced), logger: logger)
        let surroundings = ControllerServices(
            runner: serviceRunner,
            actions: serviceSettings.controls.isEmpty
                ? nil : ServiceActions(controller: controller, controls: serviceSettings.controls),
            beacon: beacon, images: images,
            imageCopies: ImageCopies(controller: controller, store: imageStore, held: held),
            imageStore: imageStore, treeSync: treeSync,
            control: ControlRequests(
                controller: controller,
                control: BMCControl(
                    plugins: plugins, siteFolder: settings.sitePlugins, timeout: settings.control.timeout,
                    retries: settings.control.retries),
                concurrency: settings.control.concurrency, logger: logger))
        let tokens = await TokenAuthority(
            secret: settings.secretKey, username: settings.username, password: settings.password,
            nodeLogin: settings.nodeLogin, lifetime: settings.tokenLifetime)
        let api = try Application(
            router: LunaApplication.router(
                controller: controller, tokens: tokens,
                boot: BootSetup(
                    renderer: BootRenderer(
                        templates: TemplateLibrary(directory: settings.templates), plugins: plugins,
                        scheme: settings.tls == nil ? "http" : "https"),
                    filesDirectory: settings.imageFiles,
                    hooks: InstallHooks(plugins: plugins, siteFolder: settings.sitePlugins, logger: logger)),
                services: surroundings, metrics: metrics),
            server: settings.tls.map {
                try .tls(tlsConfiguration: APITLS.configuration(certificate: $0.certificate, key: $0.key))
            }
                ?? .http1(),
            configuration: .init(address: .hostname(settings.bind, port: settings.port), serverName: "lunad"),
            onServerRunning: { _ in
                logger.notice(
                    "lunad \(settings.name) serving \(settings.tls == nil ? "http" : "https")://\(settings.bind.contains(":") ? "[\(settings.bind)]" : settings.bind):\(settings.port), data in \(settings.dataDirectory)"
                )
            },
            logger: logger)
        var services: [any Service] = [
            api, CompactionService(controller: controller, age: settings.compactAge, logger: logger),
            StorageRecoveryService(controller: controller, directory: DataDirectory(settings.dataDirectory), logger: logger),
            ImageFileService(
                reconciler: imageFiles, treeSync: treeSync, work: images, controller: controller,
                seeder: settings.seedPort.map { port in
                    TorrentSeeder(
                        controller: controller, store: imageStore, port: port, scheme: settings.tls == nil ? "http" : "https",
                        logFile: settings.dataDirectory + "/torrent-seed.log", logger: logger)
                }),
        ]
        services.append(
            SwitchScanService(
                scanner: SwitchPortScanner(controller: controller, logger: logger),
                interval: .milliseconds(settings.switchScanInterval)))
        if let serviceRunner { services.append(ServiceReconcileService(runner: serviceRunner)) }
        if let beacon { services.append(BeaconService(keeper: beacon)) }
        if let folder = settings.sitePlugins {
            services.append(
                SitePluginService(mirror: try SitePluginMirror(controller: controller, folder: folder, logger: logger)))
        }
        var vote: PeerBeacon.Vote?
        if let beacon {
            vote = { candidate, kind in
                let answer = await beacon.answer(candidate: candidate, request: BeaconVoter.Request(rawValue: kind) ?? .probe)
                return (answer.granted, answer.holder)
            }
        }
        if let replication, let peerTLS, let sender {
            services.append(
                try PeerListener.application(
                    bind: replication.bind, port: replication.port, tls: peerTLS, logger: logger,
                    receive: { await controller.receive($0) },
                    join: { (name, address) throws(LunaError) in try await controller.admit(name, address: address) },
                    beacon: vote,
                    files: PeerFiles.Source(
                        verifiedPath: { name in await imageStore.isVerified(name) ? imageStore.path(name) : nil },
                        held: { Array(await imageStore.held()) }),
                    tasks: { task throws(LunaError) in try await images.accept(task) }))
            services.append(sender.service(for: controller))
            logger.notice(
                "replicating on port \(replication.port) with \(replication.peers.keys.sorted().joined(separator: ", "))")
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await controller.close()
        withExtendedLifetime(lock) {}
    }
}

struct StartupError: Error, CustomStringConvertible {
    var description: String
}
