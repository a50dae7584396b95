import Foundation
import LunaModel

/// A controller's backup (`luna backup`): its snapshot and every event it held after it,
/// with the cluster key, taken in one step so the two fit. One frame as the log writes
/// them (magic "LUNK"): a header record, the snapshot, then the events.
public struct Backup: Sendable, Equatable {
    public static let format = 1
    static let magic: [UInt8] = Array("LUNK".utf8)

    public var controller: String
    public var writtenAt: Int64
    public var key: [UInt8]
    public var snapshot: Snapshot
    /// Each origin's events in seq order, going on from the snapshot's heads.
    public var events: [Event]

    public init(controller: String, writtenAt: Int64, key: [UInt8], snapshot: Snapshot, events: [Event]) {
        self.controller = controller
        self.writtenAt = writtenAt
        self.key = key
        self.snapshot = snapshot
        self.events = events
    }

    public func encoded() -> [UInt8] {
        let header: JSONValue = [
            "format": .int(Self.format), "controller": .string(controller), "written_at": .int(Int(writtenAt)),
            "key": .string(Data(key).base64EncodedString()),
        ]
        let records = [header.canonicalBytes, snapshot.jsonValue.canonicalBytes] + events.map(EventCodec.encode)
        return LogFrame.encode(records: records, magic: Self.magic)
    }

    /// The backup in `bytes`, or the sentence saying why it cannot be one.
    public init(decoding bytes: [UInt8]) throws(BackupDamage) {
        let records: [[UInt8]]
        switch LogFrame.decodeWhole(bytes, magic: Self.magic) {
        case .failure(let damage): throw BackupDamage(reason: damage.reason)
        case .success(let decoded): records = decoded
        }
        guard records.count >= 2, let header = try? JSONParser.parse(records[0]), case .int(let format)? = header["format"]
        else { throw BackupDamage(reason: "it has no backup header") }
        guard format <= Self.format else {
            throw BackupDamage(reason: "it is of format \(format), newer than this build reads (\(Self.format)): upgrade luna")
        }
        guard let controller = header["controller"]?.stringValue, case .int(let writtenAt)? = header["written_at"],
            let key = header["key"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
        else { throw BackupDamage(reason: "its header lacks the controller, the time or the cluster key") }
        guard let json = try? JSONParser.parse(records[1]), let snapshot = Snapshot(json: json) else {
            throw BackupDamage(reason: "its snapshot cannot be read")
        }
        var events: [Event] = []
        for record in records.dropFirst(2) {
            guard let event = try? EventCodec.decode(record), EventCodec.checksum(of: event) == event.checksum else {
                throw BackupDamage(reason: "event \(events.count + 1) after the snapshot is damaged")
            }
            events.append(event)
        }
        self.init(controller: controller, writtenAt: Int64(writtenAt), key: [UInt8](key), snapshot: snapshot, events: events)
    }
}

public struct BackupDamage: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { "the file is not a usable Luna backup: \(reason)" }
}
