import Crypto

/// A batch of events as it sits on disk: one group commit, one frame.
///
///     magic "LUNB" | raw length u32 | compressed length u32 | header check u32
///     | SHA-256 of the compressed bytes | lz4(records), each record = length u32 | event JSON
///
/// Integers are little-endian. The header check (the first four bytes of the SHA-256
/// of the twelve bytes before it) makes a rotten length field damage, not a torn
/// tail; the body checksum tells a torn or rotten batch from an intact one.
enum LogFrame {
    static let magic: [UInt8] = Array("LUNB".utf8)
    static let headerSize = 4 + 4 + 4 + 4 + 32
    static let digestOffset = 16

    static func encode(records: [[UInt8]], magic: [UInt8] = magic) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(records.reduce(0) { $0 + $1.count + 4 })
        for record in records {
            appendUInt32(UInt32(record.count), to: &raw)
            raw.append(contentsOf: record)
        }
        let compressed = LZ4Block.compress(raw)
        var frame = magic
        frame.reserveCapacity(headerSize + compressed.count)
        appendUInt32(UInt32(raw.count), to: &frame)
        appendUInt32(UInt32(compressed.count), to: &frame)
        frame.append(contentsOf: headerCheck(frame[0..<12]))
        frame.append(contentsOf: SHA256.hash(data: compressed))
        frame.append(contentsOf: compressed)
        return frame
    }

    /// The records of one whole frame that must be exactly `bytes` (a snapshot file), or
    /// why it cannot be read.
    static func decodeWhole(_ bytes: [UInt8], magic: [UInt8]) -> Result<[[UInt8]], FrameDamage> {
        guard bytes.count >= headerSize, Array(bytes[0..<4]) == magic else { return .failure(.init("it has no valid header")) }
        guard headerCheck(bytes[0..<12]) == Array(bytes[12..<16]) else { return .failure(.init("its header is corrupt")) }
        guard headerSize + Int(readUInt32(bytes, at: 8)) == bytes.count else {
            return .failure(.init("its length does not match its header (a write cut short)"))
        }
        let body = bytes[headerSize...]
        guard Array(SHA256.hash(data: body)) == Array(bytes[digestOffset..<headerSize]) else {
            return .failure(.init("its checksum does not match its contents"))
        }
        guard let raw = try? LZ4Block.decompress(body, originalSize: Int(readUInt32(bytes, at: 4))),
            let records = records(in: raw)
        else { return .failure(.init("its contents cannot be decompressed")) }
        return .success(records)
    }

    struct FrameDamage: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    static func headerCheck(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: bytes).prefix(4))
    }

    static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// Splits a decompressed batch into its records.
    static func records(in raw: [UInt8]) -> [[UInt8]]? {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < raw.count {
            guard offset + 4 <= raw.count else { return nil }
            let length = Int(readUInt32(raw, at: offset))
            offset += 4
            guard offset + length <= raw.count else { return nil }
            records.append(Array(raw[offset..<offset + length]))
            offset += length
        }
        return records
    }
}
