import ArgumentParser
import Foundation
import Hummingbird
import Logging
import LunaAPI
import LunaRuntime

/// The Luna controller daemon: reads luna.ini, opens (or seeds) the data directory and
/// serves luna2's REST API.
@main
struct Lunad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lunad", abstract: "Run a Luna cluster controller.")

    @Option(help: "The luna.ini to read.")
    var config = "/etc/luna/luna.ini"

    @Option(help: "Overrides [DATA] DIRECTORY for this run.")
    var dataDir: String?

    @Option(help: "Overrides [API] PORT for this run.")
    var port: Int?

    @Option(help: "Seeds an empty data directory from this bootstrap.ini (overrides [DATA] BOOTSTRAP).")
    var bootstrap: String?

    @Option(help: "Overrides [CONTROLLER] NAME for this run.")
    var name: String?

    func run() async throws {
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
        let settings = try LunaConfig.load(
            path: config, overrides: .init(dataDirectory: dataDir, port: port, bootstrap: bootstrap, name: name))
        let controller = try Controller(
            directory: DataDirectory(settings.dataDirectory), name: settings.name, fsync: settings.fsync, logger: logger)
        if await controller.isEmpty {
            guard let bootstrap = settings.bootstrap else {
                throw StartupError(
                    description:
                        "the data directory \(settings.dataDirectory) holds no cluster yet and no bootstrap file was given: "
                        + "pass --bootstrap FILE or set [DATA] BOOTSTRAP in \(config)")
            }
            try await Bootstrap(path: bootstrap).seed(controller)
            logger.notice("seeded the cluster from \(bootstrap)")
        }
        let tokens = await TokenAuthority(
            secret: settings.secretKey, username: settings.username, password: settings.password, lifetime: settings.tokenLifetime
        )
        let app = Application(
            router: LunaApplication.router(controller: controller, tokens: tokens),
            configuration: .init(address: .hostname(settings.bind, port: settings.port), serverName: "lunad"),
            onServerRunning: { _ in
                logger.notice(
                    "lunad \(settings.name) serving http://\(settings.bind):\(settings.port), data in \(settings.dataDirectory)")
            },
            logger: logger)
        try await app.runService()
        await controller.close()
    }
}

struct StartupError: Error, CustomStringConvertible {
    var description: String
}
