import CLZ4

/// LZ4 block compression (liblz4) for log batches and replication messages: fast enough
/// that group commit, replay and gossip never wait on it.
public enum LZ4Block {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func compress(_ input: [UInt8]) -> [UInt8] {
        guard !input.isEmpty else { return [] }
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let written = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                source.withMemoryRebound(to: CChar.self) { src in
                    destination.withMemoryRebound(to: CChar.self) { dst in
                        LZ4_compress_default(src.baseAddress, dst.baseAddress, Int32(input.count), Int32(bound))
                    }
                }
            }
        }
        output.removeSubrange(Int(written)...)
        return output
    }

    public static func decompress(_ input: ArraySlice<UInt8>, originalSize: Int) throws(Failure) -> [UInt8] {
        guard originalSize > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: originalSize)
        let read = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                source.withMemoryRebound(to: CChar.self) { src in
                    destination.withMemoryRebound(to: CChar.self) { dst in
                        LZ4_decompress_safe(src.baseAddress, dst.baseAddress, Int32(input.count), Int32(originalSize))
                    }
                }
            }
        }
        guard read == originalSize else { throw Failure(description: "the batch does not decompress") }
        return output
    }
}
