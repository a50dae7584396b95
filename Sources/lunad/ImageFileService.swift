import LunaRuntime
import ServiceLifecycle

/// Runs the image file reconciler and then the tree sync every second, and once this
/// controller is in sync, records as failed any pack it had started before it last stopped.
struct ImageFileService: Service {
    let reconciler: ImageFileReconciler
    let treeSync: ImageTreeSync
    let work: ImageWork
    let controller: Controller

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var interruptedReported = false
            while (try? await Task.sleep(for: .seconds(1))) != nil {
                if !interruptedReported, await controller.replicationState.inSync {
                    await work.reportInterruptedPacks()
                    interruptedReported = true
                }
                await reconciler.pass()
                await treeSync.pass()
            }
        }
    }
}
