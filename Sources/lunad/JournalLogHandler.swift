import Foundation
import Logging

/// Log lines for systemd's journal, used when lunad's output goes there (systemd then sets
/// JOURNAL_STREAM). Each line starts with its syslog priority (`<5>`), which journald takes
/// as the entry's priority, carries no timestamp (the journal stamps it) and ends with its
/// metadata as sorted key=value pairs: `journalctl -u lunad -p notice` shows what an
/// operator must see, one line each.
struct JournalLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        let pairs = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        // The journal makes an entry of each line: a message keeps to one.
        let text = "\(event.message)".replacingOccurrences(of: "\n", with: " ")
        let line = "<\(Self.priority(event.level))>\(label): [\(event.source)] \(text)\(pairs)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// syslog's priorities, which journald reads from the `<N>` prefix.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Journal lines when systemd hands lunad's output to the journal, else swift-log's own.
    static func bootstrap() {
        let journal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        LoggingSystem.bootstrap { label -> any LogHandler in
            journal ? JournalLogHandler(label: label) : StreamLogHandler.standardError(label: label)
        }
    }
}
