import Crypto
import LunaModel

/// How one event becomes bytes in the log, and how its checksum is computed.
public enum EventCodec {
    /// SHA-256 (hex) over the event's canonical JSON without the checksum field.
    public static func checksum(of event: Event) -> String {
        let digest = SHA256.hash(data: event.jsonValue(withChecksum: false).canonicalBytes)
        return digest.lowercaseHex
    }

    /// The checksum of a record as stored, computed over its own bytes less the
    /// `"checksum"` member: for a canonical record that is exactly `checksum(of:)`, and it
    /// spares re-encoding every event on replay. `checksum` sorts second, after `actor`,
    /// and `,"checksum":"` cannot occur inside a JSON string (its quotes would be escaped),
    /// so the first occurrence is the member.
    static func checksum(ofRecord record: [UInt8]) -> String? {
        let marker = Array(#","checksum":""#.utf8)
        let length = marker.count + 64 + 1
        guard let start = firstIndex(of: marker, in: record), start + length <= record.count,
            record[start + length - 1] == UInt8(ascii: "\"")
        else { return nil }
        var hasher = SHA256()
        hasher.update(data: record[..<start])
        hasher.update(data: record[(start + length)...])
        return hasher.finalize().lowercaseHex
    }

    private static func firstIndex(of marker: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= marker.count else { return nil }
        for index in 0...(bytes.count - marker.count) where bytes[index] == marker[0] {
            if bytes[index..<index + marker.count].elementsEqual(marker) { return index }
        }
        return nil
    }

    static func encode(_ event: Event) -> [UInt8] {
        event.jsonValue().canonicalBytes
    }

    static func decode(_ bytes: [UInt8]) throws -> Event {
        try Event(json: JSONParser.parse(bytes))
    }
}
