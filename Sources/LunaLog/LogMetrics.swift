import Metrics

/// What the log reports to `GET /metrics`: events made durable, and each fsync's time.
public enum LogMetrics {
    /// Both at 0 from the start, so a scrape shows them before the first write.
    public static func register() { _ = (written.label, fsync.label) }

    static let written = Counter(label: "luna_events_written_total")
    static let fsync = Timer(label: "luna_fsync_seconds")
}
