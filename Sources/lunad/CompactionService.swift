import Logging
import LunaRuntime
import ServiceLifecycle

/// Runs compaction now and then: every eighth of the age, at least every ten minutes, at
/// most every second. The log then holds at most about the age's worth of stable events.
struct CompactionService: Service {
    let controller: Controller
    let age: Int64
    let logger: Logger

    func run() async throws {
        let interval = min(max(age / 8, 1000), 600_000)
        // A graceful shutdown cancels the wait between runs: the normal end, not a failure.
        await cancelWhenGracefulShutdown {
            while (try? await Task.sleep(for: .milliseconds(interval))) != nil {
                do {
                    try await controller.compact(olderThan: age)
                } catch {
                    logger.error("compaction failed: \(error)")
                }
            }
        }
    }
}
