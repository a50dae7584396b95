import Foundation
import LunaModel
import Testing

@testable import LunaLog

/// A directory of its own for each test, removed when the test ends.
final class TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("luna-log-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String = "events.log") -> String { url.appendingPathComponent(name).path }
}

enum LogFixture {
    /// An unsealed local event; `seal` fills in seq, chain link and checksum.
    static func draft(_ number: Int, origin: String = "c1") -> Event {
        Event(
            origin: origin, seq: 0, clock: VectorClock(), time: HybridTime(millis: Int64(1_000 + number)),
            intent: "Node.update", intentVersion: 1, object: "node\(number)",
            payload: .object(["group": .string("compute"), "comment": .string("event \(number)")]),
            actor: "test", requestID: "r\(number)", previousHash: "")
    }

    /// Writes `count` events, one batch each (every append is durable before the next).
    static func write(_ path: String, count: Int, from first: Int = 1, fsync: Bool = false) async throws {
        let opened = try EventLog.open(path: path, fsync: fsync)
        for number in first..<(first + count) {
            let event = opened.log.seal(draft(number))
            try await opened.log.append(event).durable()
        }
        opened.log.close()
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func store(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func append(_ extra: [UInt8], to path: String) throws {
        try store(bytes(path) + extra, path)
    }

    /// Where each batch starts, read from the batch headers.
    static func frameOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var offset = 0
        while offset + LogFrame.headerSize <= bytes.count {
            offsets.append(offset)
            offset += LogFrame.headerSize + Int(LogFrame.readUInt32(bytes, at: offset + 8))
        }
        return offsets
    }

    /// One batch holding `events`, exactly as the writer would put it on disk.
    static func frame(_ events: [Event]) -> [UInt8] {
        LogFrame.encode(records: events.map(EventCodec.encode))
    }

    /// An event with the given chain fields and a checksum that matches them.
    static func sealed(_ number: Int, seq: UInt64, previousHash: String) -> Event {
        var event = draft(number)
        event.seq = seq
        event.previousHash = previousHash
        event.checksum = EventCodec.checksum(of: event)
        return event
    }
}
