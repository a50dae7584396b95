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
            "hlc": .array([.int(Int(message.time.millis)), .int(Int(message.time.counter))]),
        ]
        if !message.roots.isEmpty { fields["roots"] = .object(message.roots.mapValues(JSONValue.string)) }
        switch message.body {
        case .pull: fields["type"] = "pull"
        case .events(let events):
            fields["type"] = "events"
            fields["events"] = .array(events.map { $0.jsonValue() })
        }
        let raw = JSONValue.object(fields).canonicalBytes
        let count = UInt32(raw.count)
        return [UInt8(count & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 24)]
            + LZ4Block.compress(raw)
    }

    public static func decode(_ bytes: [UInt8]) throws(Failure) -> PeerMessage {
        guard bytes.count >= 4 else { throw Failure(description: "a peer message shorter than its header") }
        let length = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        guard length <= 512 << 20 else { throw Failure(description: "a peer message claims \(length) bytes") }
        do {
            let raw = try LZ4Block.decompress(bytes[4...], originalSize: length)
            let json = try JSONParser.parse(raw)
            guard let from = json["from"]?.stringValue, let clockFields = json["clock"]?.objectValue,
                case .array(let hlc)? = json["hlc"], hlc.count == 2, case .int(let millis) = hlc[0],
                case .int(let counter) = hlc[1], counter >= 0, counter <= Int(UInt32.max)
            else { throw Failure(description: "a peer message lacks from, clock or hlc") }
            var clock = VectorClock()
            for (origin, value) in clockFields {
                guard case .int(let seq) = value, seq >= 0 else { throw Failure(description: "a peer message has a bad clock") }
                clock.advance(origin, to: UInt64(seq))
            }
            let body: PeerMessage.Body
            switch json["type"]?.stringValue {
            case "pull": body = .pull
            case "events": body = .events(try (json["events"]?.arrayValue ?? []).map { try Event(json: $0) })
            default: throw Failure(description: "a peer message of unknown type")
            }
            var roots: [String: String] = [:]
            for (table, root) in json["roots"]?.objectValue ?? [:] {
                guard let text = root.stringValue else { throw Failure(description: "a peer message has a bad root") }
                roots[table] = text
            }
            return PeerMessage(
                from: from, clock: clock, time: HybridTime(millis: Int64(millis), counter: UInt32(counter)), body: body,
                roots: roots)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "a peer message cannot be read: \(error)")
        }
    }
}
