import Logging
import LunaBoot
import LunaModel
import LunaServices

/// Runs the `hooks/install` plugin when this controller records a milestone of a node's
/// install (discovered, success, error, refused): a site's way to act on installs (tell a
/// scheduler, page someone). A side effect after the event is durable, on the controller
/// that recorded it only, never on replay. The steps between (download, unpack…) start no
/// program: a thousand nodes installing at once would fork one per step.
public struct InstallHooks: Sendable {
    let plugins: PluginLibrary
    let siteFolder: String?
    let logger: Logger

    /// A hook that has not ended by then is stopped: hooks must not pile up.
    static let timeout: Duration = .seconds(30)

    public init(plugins: PluginLibrary, siteFolder: String?, logger: Logger) {
        self.plugins = plugins
        self.siteFolder = siteFolder
        self.logger = logger
    }

    /// The states that run the hook.
    public static let milestones: Set<String> = ["install.discovered", "install.success", "install.error", "install.refused"]

    /// Starts the node's (or its group's, or the default) hook and returns at once.
    public func stateChanged(node: String, group: String?, state: String) {
        guard Self.milestones.contains(state),
            let path = plugins.executable("hooks/install", levels: [node, group], siteFolder: siteFolder)
        else { return }
        let logger = self.logger
        let environment = [
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LUNA_NODE": node, "LUNA_STATE": state, "LUNA_GROUP": group ?? "",
        ]
        Task.detached {
            do throws(LunaError) {
                let finished = try await ProgramRun([path], timeout: Self.timeout, environment: environment).run()
                if !finished.succeeded {
                    logger.warning("install hook \(path) for \(node) at \(state) ended with \(finished.status): \(finished.tail)")
                }
            } catch {
                logger.error("install hook \(path) for \(node) at \(state): \(error.message)")
            }
        }
    }
}
