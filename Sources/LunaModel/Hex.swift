extension Sequence where Element == UInt8 {
    /// Lowercase hex, the way digests are written in events and Merkle trees (by table:
    /// String(format:) per byte is too slow for a digest per row).
    public var lowercaseHex: String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in self {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)
