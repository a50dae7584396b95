import LunaDomain
import LunaModel

/// What luna2's `/monitor` routes report, answered from this controller's own state.
extension Controller {
    /// The lines of every request stream still held here (`/monitor/status`).
    public func statusMessages() -> [RequestStreams.Message] {
        requests.messages
    }

    /// Work running in the background now (`/monitor/queue`): a compaction while it runs.
    public func runningTasks() -> [(subsystem: String, task: String)] {
        compacting ? [("log", "compaction of the stable events into the snapshot")] : []
    }
}
