import Crypto
import LunaModel

/// The head of one origin's hash chain: its last seq and that event's checksum.
public struct ChainHead: Sendable, Hashable {
    public var seq: UInt64
    public var checksum: String

    public static let empty = ChainHead(seq: 0, checksum: "")
}

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
public struct LogScanner {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Scans `bytes` from `offset`, continuing the chains in `heads` (for `--follow`).
    public func scan(
        _ bytes: [UInt8], from start: Int = 0, heads initial: [String: ChainHead] = [:]
    ) throws(LogDamage) -> LogScan {
        var heads = initial
        var events: [Event] = []
        var offset = start
        var lastIntact = "at the start of the log"
        func damage(_ reason: String, event: String? = nil) -> LogDamage {
            LogDamage(path: path, offset: offset, event: event ?? "after event \(lastIntact)", reason: reason)
        }
        while offset < bytes.count {
            let remaining = bytes.count - offset
            let tail = LogScan(events: events, heads: heads, validLength: offset, tornBytes: remaining)
            guard remaining >= LogFrame.headerSize else { return tail }
            guard Array(bytes[offset..<offset + 4]) == LogFrame.magic else {
                if bytes[offset...].allSatisfy({ $0 == 0 }) { return tail }
                throw damage("a batch header is unreadable")
            }
            guard LogFrame.headerCheck(bytes[offset..<offset + 12]) == Array(bytes[offset + 12..<offset + 16]) else {
                throw damage("a batch header is corrupt")
            }
            let rawLength = Int(LogFrame.readUInt32(bytes, at: offset + 4))
            let compressedLength = Int(LogFrame.readUInt32(bytes, at: offset + 8))
            let bodyStart = offset + LogFrame.headerSize
            let end = bodyStart + compressedLength
            guard end <= bytes.count else { return tail }
            let body = bytes[bodyStart..<end]
            let digest = Array(SHA256.hash(data: body))
            guard digest == Array(bytes[offset + LogFrame.digestOffset..<offset + LogFrame.headerSize]) else {
                if end == bytes.count { return tail }
                throw damage("the batch checksum does not match its contents")
            }
            let raw: [UInt8]
            do {
                raw = try LZ4Block.decompress(body, originalSize: rawLength)
            } catch {
                throw damage("\(error)")
            }
            guard let records = LogFrame.records(in: raw) else { throw damage("a record length runs past its batch") }
            for record in records {
                let event: Event
                do {
                    event = try EventCodec.decode(record)
                } catch {
                    throw damage("an event record cannot be read (\(error))")
                }
                let id = "event \(event.id)"
                guard EventCodec.checksum(of: event) == event.checksum else {
                    throw damage("its checksum does not match its contents", event: id)
                }
                let head = heads[event.origin] ?? .empty
                guard event.seq == head.seq + 1 else {
                    throw damage("expected seq \(head.seq + 1) of origin \(event.origin) here", event: id)
                }
                guard event.previousHash == head.checksum else {
                    throw damage("its previous-event hash does not match event \(event.origin):\(head.seq)", event: id)
                }
                heads[event.origin] = ChainHead(seq: event.seq, checksum: event.checksum)
                events.append(event)
                lastIntact = event.id.description
            }
            offset = end
        }
        return LogScan(events: events, heads: heads, validLength: offset, tornBytes: 0)
    }
}
