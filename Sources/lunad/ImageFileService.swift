import LunaRuntime
import ServiceLifecycle

/// Runs the image file reconciler, the tree sync and the torrent seeder every second and
/// whenever the views change, and once this controller is in sync, records as failed any
/// pack it had started before it last stopped.
struct ImageFileService: Service {
    let reconciler: ImageFileReconciler
    let treeSync: ImageTreeSync
    let work: ImageWork
    let controller: Controller
    let seeder: TorrentSeeder?

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var interruptedReported = false
            var seen: UInt64?
            var idle = 0
            // A pass every second, and at once when the views change (a pack just recorded).
            while (try? await Task.sleep(for: .milliseconds(100))) != nil {
                let revision = await controller.read { $0.revision }
                idle += 1
                guard revision != seen || idle >= 10 else { continue }
                (seen, idle) = (revision, 0)
                if !interruptedReported, await controller.replicationState.inSync {
                    await work.reportInterruptedPacks()
                    interruptedReported = true
                }
                await reconciler.pass()
                await treeSync.pass()
                await seeder?.pass()
            }
        }
        await seeder?.stop()
    }
}
