import Crypto
import LunaModel

/// How one event becomes bytes in the log, and how its checksum is computed.
public enum EventCodec {
    /// SHA-256 (hex) over the event's canonical JSON without the checksum field.
    public static func checksum(of event: Event) -> String {
        let digest = SHA256.hash(data: Array(event.jsonValue(withChecksum: false).canonicalText.utf8))
        return hex(digest)
    }

    static func encode(_ event: Event) -> [UInt8] {
        Array(event.jsonValue().canonicalText.utf8)
    }

    static func decode(_ bytes: [UInt8]) throws -> Event {
        try Event(json: JSONParser.parse(bytes))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits: [Character] = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return out
    }
}
