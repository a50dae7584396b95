import LunaRuntime
import ServiceLifecycle

/// Runs the service reconcilers (DHCP, DNS, TFTP, keepalived) until lunad stops.
struct ServiceReconcileService: Service {
    let runner: ServiceRunner

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await runner.run()
        }
    }
}
