import LunaLog
import Metrics

/// What the controller reports to `GET /metrics` as it works. Prometheus derives rates
/// from these counters; values read from the state at scrape time are the route's.
public enum RuntimeMetrics {
    /// Events applied to the views as they arrive, own and peers'; a rollback that applies
    /// events again counts them in `reapplied`.
    static let applied = Counter(label: "luna_events_applied_total")
    static let reapplied = Counter(label: "luna_events_reapplied_total")
    static let incidents = Counter(label: "luna_incidents_total")

    /// A task that ended: an image task (pack, clone, grab, push, kernel) or a BMC request
    /// (power, sel, chassis), `ok` when everything it asked succeeded.
    static func task(_ kind: String, succeeded: Bool) {
        Counter(label: "luna_tasks_total", dimensions: [("kind", kind), ("outcome", succeeded ? "ok" : "failed")])
            .increment()
    }

    /// Every counter at 0 from the start, so a scrape shows them before they first move.
    public static func register(services: [String]) {
        LogMetrics.register()
        _ = (applied.label, reapplied.label, incidents.label)
        for kind in ImageWork.kinds.sorted() + BMCControl.actions.keys.sorted() {
            for outcome in ["ok", "failed"] {
                _ = Counter(label: "luna_tasks_total", dimensions: [("kind", kind), ("outcome", outcome)])
            }
        }
        for service in services { _ = Counter(label: "luna_reconcile_failures_total", dimensions: [("service", service)]) }
    }

    /// A service pass whose configuration was refused or could not be made.
    static func reconcileFailed(_ service: String) {
        Counter(label: "luna_reconcile_failures_total", dimensions: [("service", service)]).increment()
    }
}
