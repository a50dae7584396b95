import Foundation
import LunaModel

/// One controller's event log: an append-only file of lz4 batches holding every origin's
/// hash chain. Not thread-safe: one actor owns it; the disk work runs on the writer.
public final class EventLog {
    public let path: String
    /// The last event of every origin in the log (written or queued).
    public private(set) var heads: [String: ChainHead]
    private let writer: GroupCommitWriter

    /// What opening found: the events to apply and how much torn tail was cut off.
    public struct Opened {
        public var log: EventLog
        public var events: [Event]
        public var truncatedBytes: Int
    }

    /// Opens (or creates) the log, verifies it whole, and cuts off a torn tail.
    /// Damage anywhere else throws `LogDamage` and leaves the file untouched. Events at
    /// or below the `folded` heads (the snapshot's) are skipped.
    public static func open(path: String, fsync: Bool = true, folded: [String: ChainHead] = [:]) throws -> Opened {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let bytes = FileManager.default.fileExists(atPath: path) ? [UInt8](try Data(contentsOf: url)) : []
        let scan = try LogScanner(path: path).scan(bytes, folded: folded)
        let descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LunaLogWriteError(reason: "cannot open \(path): " + String(cString: strerror(errno)))
        }
        if scan.tornBytes > 0 {
            guard ftruncate(descriptor, off_t(scan.validLength)) == 0, fsync == false || fdatasync(descriptor) == 0 else {
                Foundation.close(descriptor)
                throw LunaLogWriteError(reason: "cannot cut the torn tail of \(path): " + String(cString: strerror(errno)))
            }
        }
        let writer = GroupCommitWriter(descriptor: descriptor, syncs: fsync, position: UInt64(scan.events.count))
        let log = EventLog(path: path, heads: scan.heads, writer: writer)
        return Opened(log: log, events: scan.events, truncatedBytes: scan.tornBytes)
    }

    private init(path: String, heads: [String: ChainHead], writer: GroupCommitWriter) {
        self.path = path
        self.heads = heads
        self.writer = writer
    }

    /// Completes a new local event: next seq of its origin, chain link, checksum.
    /// Nothing is written; `append` does that once the event has been accepted.
    public func seal(_ draft: Event) -> Event {
        var event = draft
        let head = heads[event.origin] ?? .empty
        event.seq = head.seq + 1
        event.previousHash = head.checksum
        event.checksum = EventCodec.checksum(of: event)
        return event
    }

    /// True when an event from elsewhere may be appended: it is the next of its origin's
    /// chain here. Its checksum is the caller's to verify, once, as it comes in.
    public func continues(_ event: Event) -> Bool {
        let head = heads[event.origin] ?? .empty
        return event.seq == head.seq + 1 && event.previousHash == head.checksum
    }

    /// Queues a sealed event for the next batch; returns the position to wait for.
    public func append(_ event: Event) -> LogPosition {
        let head = heads[event.origin] ?? .empty
        precondition(event.seq == head.seq + 1 && event.previousHash == head.checksum, "event appended out of chain order")
        heads[event.origin] = ChainHead(seq: event.seq, checksum: event.checksum)
        return LogPosition(value: writer.submit(EventCodec.encode(event)), writer: writer)
    }

    /// Rewrites the log with only these events (each origin's in seq order, going on from
    /// the `folded` heads): the rest are in a snapshot already on disk. Heads move up to the
    /// snapshot's where it is ahead (one taken from a peer).
    public func rewrite(keeping events: [Event], after folded: [String: ChainHead]) throws {
        var bytes: [UInt8] = []
        for start in stride(from: 0, to: events.count, by: Self.rewriteBatch) {
            let batch = events[start..<min(events.count, start + Self.rewriteBatch)]
            bytes += LogFrame.encode(records: batch.map(EventCodec.encode))
        }
        try writer.replaceFile(path, with: bytes)
        heads.merge(folded) { $0.seq >= $1.seq ? $0 : $1 }
        for event in events where event.seq > heads[event.origin]?.seq ?? 0 {
            heads[event.origin] = ChainHead(seq: event.seq, checksum: event.checksum)
        }
    }

    /// Events per frame in a rewritten log: enough frames for the scan to spread over cores.
    static let rewriteBatch = 2048

    public func close() {
        writer.close()
    }
}

/// A place in the log that can be awaited: returns once everything up to it is on disk.
public struct LogPosition: Sendable {
    let value: UInt64
    fileprivate let writer: GroupCommitWriter

    public func durable() async throws {
        try await writer.waitDurable(value)
    }
}
