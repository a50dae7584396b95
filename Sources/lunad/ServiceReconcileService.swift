import LunaRuntime
import ServiceLifecycle

/// Runs the DHCP and DNS reconcilers until lunad stops.
struct ServiceReconcileService: Service {
    let runner: ServiceRunner

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await runner.run()
        }
    }
}
