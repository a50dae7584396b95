import LunaLog
import LunaModel
import LunaReplication

/// Peer messages on the wire: the message as canonical JSON, lz4-compressed, after its
/// uncompressed length (u32, little-endian).
public enum PeerCodec {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func encode(_ message: PeerMessage) -> [UInt8] {
        var fields: [String: JSONValue] = [
            "from": .string(message.from),
            "clock": .object(message.clock.entries.mapValues { .int(Int($0)) }),
            "hlc": hlc(message.time),
            "incarnation": .int(Int(message.incarnation)),
            "seen": hlc(message.seen),
        ]
        if !message.roots.isEmpty { fields["roots"] = .object(message.roots.mapValues(JSONValue.string)) }
        if !message.removing.isEmpty { fields["removing"] = .array(message.removing.map(JSONValue.string)) }
        if !message.refusing.isEmpty { fields["refusing"] = .array(message.refusing.map(JSONValue.string)) }
        switch message.body {
        case .pull: fields["type"] = "pull"
        case .events(let events):
            fields["type"] = "events"
            fields["events"] = .array(events.map { $0.jsonValue() })
        case .treeQuery(let table, let path):
            fields["type"] = "tree-query"
            fields["table"] = .string(table)
            fields["path"] = .array(path.map(JSONValue.int))
        case .treeAnswer(let table, let path, let hashes, let rows):
            fields["type"] = "tree-answer"
            fields["table"] = .string(table)
            fields["path"] = .array(path.map(JSONValue.int))
            fields["hashes"] = .array(hashes.map(JSONValue.string))
            fields["rows"] = .object(rows.mapValues(JSONValue.string))
        case .rowsQuery(let table, let keys):
            fields["type"] = "rows-query"
            fields["table"] = .string(table)
            fields["keys"] = .array(keys.map(JSONValue.string))
        case .rowsAnswer(let table, let rows):
            fields["type"] = "rows-answer"
            fields["table"] = .string(table)
            fields["rows"] = .object(rows.mapValues(JSONValue.string))
        case .snapshot(let snapshot):
            fields["type"] = "snapshot"
            fields["snapshot"] = snapshot.jsonValue
        }
        return framed(JSONValue.object(fields))
    }

    /// A JSON value as it crosses between controllers: its length, then lz4.
    static func framed(_ value: JSONValue) -> [UInt8] {
        let raw = value.canonicalBytes
        let count = UInt32(raw.count)
        return [UInt8(count & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 24)]
            + LZ4Block.compress(raw)
    }

    static func unframed(_ bytes: [UInt8]) throws -> JSONValue {
        guard bytes.count >= 4 else { throw Failure(description: "a peer message shorter than its header") }
        let length = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        guard length <= 512 << 20 else { throw Failure(description: "a peer message claims \(length) bytes") }
        return try JSONParser.parse(try LZ4Block.decompress(bytes[4...], originalSize: length))
    }

    public static func decode(_ bytes: [UInt8]) throws(Failure) -> PeerMessage {
        do {
            let json = try unframed(bytes)
            guard let from = json["from"]?.stringValue, let clockFields = json["clock"]?.objectValue,
                let time = hlc(json["hlc"])
            else { throw Failure(description: "a peer message lacks from, clock or hlc") }
            // A build before incarnations sends neither field: one incarnation, nothing seen.
            guard case .int(let incarnation) = json["incarnation"] ?? .int(0),
                let seen = hlc(json["seen"] ?? hlc(HybridTime(millis: 0)))
            else { throw Failure(description: "a peer message has a bad incarnation or seen time") }
            var clock = VectorClock()
            for (origin, value) in clockFields {
                guard case .int(let seq) = value, seq >= 0 else { throw Failure(description: "a peer message has a bad clock") }
                clock.advance(origin, to: UInt64(seq))
            }
            let body: PeerMessage.Body
            switch json["type"]?.stringValue {
            case "pull": body = .pull
            case "events": body = .events(try (json["events"]?.arrayValue ?? []).map { try Event(json: $0) })
            case "tree-query": body = .treeQuery(table: try text(json["table"]), path: try path(json["path"]))
            case "tree-answer":
                body = .treeAnswer(
                    table: try text(json["table"]), path: try path(json["path"]),
                    hashes: try (json["hashes"]?.arrayValue ?? []).map(text), rows: try strings(json["rows"]))
            case "rows-query":
                body = .rowsQuery(table: try text(json["table"]), keys: try (json["keys"]?.arrayValue ?? []).map(text))
            case "rows-answer": body = .rowsAnswer(table: try text(json["table"]), rows: try strings(json["rows"]))
            case "snapshot":
                guard let value = json["snapshot"], let snapshot = Snapshot(json: value) else {
                    throw Failure(description: "a peer message holds an unreadable snapshot")
                }
                body = .snapshot(snapshot)
            default: throw Failure(description: "a peer message of unknown type")
            }
            return PeerMessage(
                from: from, incarnation: Int64(incarnation), clock: clock, time: time, seen: seen, body: body,
                roots: try strings(json["roots"]), removing: try (json["removing"]?.arrayValue ?? []).map(text),
                refusing: try (json["refusing"]?.arrayValue ?? []).map(text))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "a peer message cannot be read: \(error)")
        }
    }

    private static func hlc(_ time: HybridTime) -> JSONValue {
        .array([.int(Int(time.millis)), .int(Int(time.counter))])
    }

    private static func hlc(_ value: JSONValue?) -> HybridTime? {
        guard case .array(let parts)? = value, parts.count == 2, case .int(let millis) = parts[0],
            case .int(let counter) = parts[1], counter >= 0, counter <= Int(UInt32.max)
        else { return nil }
        return HybridTime(millis: Int64(millis), counter: UInt32(counter))
    }

    private static func text(_ value: JSONValue?) throws(Failure) -> String {
        guard let text = value?.stringValue else { throw Failure(description: "a peer message has a field that is not text") }
        return text
    }

    private static func strings(_ value: JSONValue?) throws(Failure) -> [String: String] {
        var out: [String: String] = [:]
        for (key, item) in value?.objectValue ?? [:] { out[key] = try text(item) }
        return out
    }

    private static func path(_ value: JSONValue?) throws(Failure) -> [Int] {
        try (value?.arrayValue ?? []).map { item throws(Failure) in
            guard case .int(let step) = item, (0..<16).contains(step) else {
                throw Failure(description: "a peer message has a bad Merkle path")
            }
            return step
        }
    }
}
