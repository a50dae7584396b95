import Crypto
import Foundation
import LunaModel

/// Damage in the body of the log: start-up stops and the operator reads this sentence.
public struct LogDamage: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var offset: Int
    /// The event that is damaged, or the last intact one before the damage.
    public var event: String
    public var reason: String

    public var description: String {
        "event log \(path) is damaged at byte \(offset), \(event): \(reason). "
            + "Restore the log from a peer or a backup; it is not applied as it is."
    }
}

/// What a scan found: the intact events, where they end and whether a torn tail follows.
public struct LogScan: Sendable {
    public var events: [Event]
    public var heads: [String: ChainHead]
    /// Bytes up to the end of the last intact batch.
    public var validLength: Int
    /// Bytes after `validLength` that belong to a batch whose write never finished.
    public var tornBytes: Int
}

/// Reads a log file and checks every frame, record, checksum and chain link in it.
/// Frames are located one after another (cheap), their contents decoded and checked on
/// every core, and the chains then walked in file order, so the first damage in the file
/// is the one reported, as a sequential scan would report it.
public struct LogScanner {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Where one batch lies in the file.
    struct Frame {
        var offset: Int
        var rawLength: Int
        var body: Range<Int>
    }

    /// A batch's events, or why it is unreadable (and which event, if that is known).
    enum Decoded {
        case events([Event])
        case checksumMismatch
        case damaged(reason: String, event: String?)
    }

    /// Scans `bytes` from `offset`, continuing the chains in `heads` (for `--follow`).
    /// Events at or below an origin's `folded` head are in the snapshot: they are skipped
    /// (a compaction that was cut short leaves them), and the chain goes on from that head.
    public func scan(
        _ bytes: [UInt8], from start: Int = 0, heads initial: [String: ChainHead] = [:],
        folded: [String: ChainHead] = [:]
    ) throws(LogDamage) -> LogScan {
        let (frames, end, headerDamage) = locate(bytes, from: start)
        let decoded = decode(frames, in: bytes)
        var heads = folded.merging(initial) { $0.seq > $1.seq ? $0 : $1 }
        var events: [Event] = []
        var lastIntact = "at the start of the log"
        for (frame, result) in zip(frames, decoded) {
            func damage(_ reason: String, event: String? = nil) -> LogDamage {
                LogDamage(path: path, offset: frame.offset, event: event ?? "after event \(lastIntact)", reason: reason)
            }
            switch result {
            case .checksumMismatch:
                if frame.body.upperBound == bytes.count {
                    return LogScan(events: events, heads: heads, validLength: frame.offset, tornBytes: bytes.count - frame.offset)
                }
                throw damage("the batch checksum does not match its contents")
            case .damaged(let reason, let event):
                throw damage(reason, event: event)
            case .events(var batch):
                if !folded.isEmpty { batch.removeAll { $0.seq <= folded[$0.origin]?.seq ?? 0 } }
                for event in batch {
                    let id = "event \(event.id)"
                    let head = heads[event.origin] ?? .empty
                    guard event.seq == head.seq + 1 else {
                        throw damage("expected seq \(head.seq + 1) of origin \(event.origin) here", event: id)
                    }
                    guard event.previousHash == head.checksum else {
                        throw damage("its previous-event hash does not match event \(event.origin):\(head.seq)", event: id)
                    }
                    heads[event.origin] = ChainHead(seq: event.seq, checksum: event.checksum)
                    lastIntact = event.id.description
                }
                events += batch
            }
        }
        if let headerDamage {
            throw LogDamage(path: path, offset: end, event: "after event \(lastIntact)", reason: headerDamage)
        }
        return LogScan(events: events, heads: heads, validLength: end, tornBytes: bytes.count - end)
    }

    /// Walks the headers: every complete frame, where they end, and whether a damaged
    /// header stands there. A short header, a length past the end or trailing zeros are
    /// a torn tail; a header that fails its check is damage.
    private func locate(_ bytes: [UInt8], from start: Int) -> ([Frame], end: Int, damage: String?) {
        var frames: [Frame] = []
        var offset = start
        while offset < bytes.count {
            guard bytes.count - offset >= LogFrame.headerSize else { break }
            guard Array(bytes[offset..<offset + 4]) == LogFrame.magic else {
                if bytes[offset...].allSatisfy({ $0 == 0 }) { break }
                return (frames, offset, "a batch header is unreadable")
            }
            guard LogFrame.headerCheck(bytes[offset..<offset + 12]) == Array(bytes[offset + 12..<offset + 16]) else {
                return (frames, offset, "a batch header is corrupt")
            }
            let bodyStart = offset + LogFrame.headerSize
            let end = bodyStart + Int(LogFrame.readUInt32(bytes, at: offset + 8))
            guard end <= bytes.count else { break }
            frames.append(
                Frame(offset: offset, rawLength: Int(LogFrame.readUInt32(bytes, at: offset + 4)), body: bodyStart..<end))
            offset = end
        }
        return (frames, offset, nil)
    }

    /// Checks and decodes every frame, spread over the cores.
    private func decode(_ frames: [Frame], in bytes: [UInt8]) -> [Decoded] {
        // Each index is written by exactly one iteration: no two threads touch the same slot.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Decoded>.allocate(capacity: frames.count)
        defer { results.deallocate() }
        let chunks = max(1, min(frames.count, ProcessInfo.processInfo.activeProcessorCount * 4))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in stride(from: chunk, to: frames.count, by: chunks) {
                (results.baseAddress! + index).initialize(to: Self.decode(frames[index], in: bytes))
            }
        }
        let decoded = Array(results)
        _ = results.baseAddress!.deinitialize(count: frames.count)
        return decoded
    }

    private static func decode(_ frame: Frame, in bytes: [UInt8]) -> Decoded {
        let body = bytes[frame.body]
        guard
            Array(SHA256.hash(data: body))
                == Array(bytes[frame.offset + LogFrame.digestOffset..<frame.offset + LogFrame.headerSize])
        else {
            return .checksumMismatch
        }
        let raw: [UInt8]
        do {
            raw = try LZ4Block.decompress(body, originalSize: frame.rawLength)
        } catch {
            return .damaged(reason: "\(error)", event: nil)
        }
        guard let records = LogFrame.records(in: raw) else {
            return .damaged(reason: "a record length runs past its batch", event: nil)
        }
        var events: [Event] = []
        events.reserveCapacity(records.count)
        for record in records {
            let event: Event
            do {
                event = try EventCodec.decode(record)
            } catch {
                return .damaged(reason: "an event record cannot be read (\(error))", event: nil)
            }
            guard EventCodec.checksum(ofRecord: record) == event.checksum else {
                return .damaged(reason: "its checksum does not match its contents", event: "event \(event.id)")
            }
            events.append(event)
        }
        return .events(events)
    }
}
