import LunaModel

/// A tracker request's query string, read as bytes: `info_hash` and `peer_id` are 20 raw
/// bytes, percent-encoded, that are not text and must not be decoded as such.
public struct TrackerQuery: Sendable {
    public let fields: [(name: String, value: [UInt8])]

    public init(_ query: String) throws(LunaError) {
        var fields: [(String, [UInt8])] = []
        for part in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let pair = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(Array(pair[0]))
            let value = pair.count > 1 ? try Self.decode(Array(pair[1])) : []
            fields.append((String(decoding: name, as: UTF8.self), value))
        }
        self.fields = fields
    }

    public func first(_ name: String) -> [UInt8]? { fields.first { $0.name == name }?.value }

    public func all(_ name: String) -> [[UInt8]] { fields.filter { $0.name == name }.map(\.value) }

    /// A field that must be a whole number within `range`; absent gives `absent`.
    public func number(_ name: String, in range: ClosedRange<Int>, absent: Int? = nil) throws(LunaError) -> Int {
        guard let bytes = first(name) else {
            if let absent { return absent }
            throw LunaError(.invalid, "Invalid request: \(name) is required")
        }
        guard let value = Int(String(decoding: bytes, as: UTF8.self)), range.contains(value) else {
            throw LunaError(.invalid, "Invalid request: \(name) must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// 20 bytes, as info hashes and peer ids are.
    public func hash(_ name: String) throws(LunaError) -> [UInt8] {
        guard let bytes = first(name) else { throw LunaError(.invalid, "Invalid request: \(name) is required") }
        guard bytes.count == 20 else {
            throw LunaError(.invalid, "Invalid request: \(name) must be 20 bytes, percent-encoded; it is \(bytes.count)")
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) throws(LunaError) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    throw LunaError(.invalid, "Invalid request: the query has a % not followed by two hex digits")
                }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
