import LunaRuntime
import ServiceLifecycle

/// Holds the beacon while this controller's lease lasts; on shutdown the address goes first.
struct BeaconService: Service {
    let keeper: BeaconKeeper

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await keeper.run()
        }
    }
}
