import LunaRuntime
import ServiceLifecycle

/// Runs the switch-port scan every `[SWITCHES] SCAN_INTERVAL`; it acts only on the master.
struct SwitchScanService: Service {
    let scanner: SwitchPortScanner
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while (try? await Task.sleep(for: interval)) != nil {
                await scanner.pass()
            }
        }
    }
}
