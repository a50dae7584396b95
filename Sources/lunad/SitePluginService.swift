import LunaRuntime
import ServiceLifecycle

/// Keeps `[PLUGINS] SITE_DIRECTORY` and the cluster's site plugins equal, once a second:
/// an edit on one controller reaches every controller within seconds.
struct SitePluginService: Service {
    let mirror: SitePluginMirror

    func run() async throws {
        await cancelWhenGracefulShutdown {
            repeat {
                await mirror.pass()
            } while (try? await Task.sleep(for: .seconds(1))) != nil
        }
    }
}
