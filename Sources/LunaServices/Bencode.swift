import LunaModel

/// BitTorrent's encoding (BEP 3), in which `.torrent` files and tracker answers are
/// written. Dictionary keys are written sorted by their bytes, so equal values encode to
/// equal bytes: a torrent's info hash depends on nothing but its content.
public enum Bencode: Equatable, Sendable {
    case int(Int)
    case bytes([UInt8])
    case list([Bencode])
    case dict([Key: Bencode])

    /// A dictionary key: bytes, as a scrape's keys are raw info hashes; written as text in
    /// a literal.
    public struct Key: Hashable, Sendable, ExpressibleByStringLiteral {
        public let bytes: [UInt8]

        public init(bytes: [UInt8]) { self.bytes = bytes }
        public init(stringLiteral value: String) { bytes = Array(value.utf8) }
    }

    public static func text(_ value: String) -> Bencode { .bytes(Array(value.utf8)) }

    public var encoded: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .int(let value):
            out += Array("i\(value)e".utf8)
        case .bytes(let bytes):
            out += Array("\(bytes.count):".utf8)
            out += bytes
        case .list(let items):
            out.append(UInt8(ascii: "l"))
            for item in items { item.write(to: &out) }
            out.append(UInt8(ascii: "e"))
        case .dict(let entries):
            out.append(UInt8(ascii: "d"))
            for key in entries.keys.sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) }) {
                Bencode.bytes(key.bytes).write(to: &out)
                entries[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "e"))
        }
    }

    public subscript(key: String) -> Bencode? {
        if case .dict(let entries) = self { return entries[Key(bytes: Array(key.utf8))] }
        return nil
    }

    /// Reads one whole value; bytes after it, or a malformed value, are an error.
    public static func decode(_ bytes: [UInt8]) throws(LunaError) -> Bencode {
        var reader = BencodeReader(bytes: bytes)
        let value = try reader.value(depth: 0)
        guard reader.index == bytes.count else { throw reader.failure("bytes after the value") }
        return value
    }

    /// Where the value of `key` of the top-level dictionary lies in `bytes`: a torrent's
    /// info hash is the SHA-1 of the `info` value's bytes exactly as written.
    public static func span(ofKey key: String, in bytes: [UInt8]) throws(LunaError) -> Range<Int> {
        var reader = BencodeReader(bytes: bytes)
        guard reader.peek == UInt8(ascii: "d") else { throw reader.failure("not a dictionary") }
        reader.index += 1
        while reader.peek != UInt8(ascii: "e") {
            guard case .bytes(let name) = try reader.value(depth: 1) else { throw reader.failure("a key that is not a string") }
            let start = reader.index
            _ = try reader.value(depth: 1)
            if name == Array(key.utf8) { return start..<reader.index }
        }
        throw LunaError(.invalid, "the bencoded dictionary has no key \(key)")
    }
}

/// A cursor over bencoded bytes, with a bound on nesting so hostile input cannot exhaust
/// the stack.
struct BencodeReader {
    let bytes: [UInt8]
    var index = 0

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func failure(_ what: String) -> LunaError {
        LunaError(.invalid, "malformed bencoded data at byte \(index): \(what)")
    }

    mutating func value(depth: Int) throws(LunaError) -> Bencode {
        guard depth < 32 else { throw failure("nested too deeply") }
        guard let first = peek else { throw failure("it ends early") }
        switch first {
        case UInt8(ascii: "i"):
            index += 1
            let number = try digits(until: UInt8(ascii: "e"), signed: true)
            return .int(number)
        case UInt8(ascii: "l"):
            index += 1
            var items: [Bencode] = []
            while peek != UInt8(ascii: "e") { items.append(try value(depth: depth + 1)) }
            index += 1
            return .list(items)
        case UInt8(ascii: "d"):
            index += 1
            var entries: [Bencode.Key: Bencode] = [:]
            while peek != UInt8(ascii: "e") {
                guard case .bytes(let key) = try value(depth: depth + 1) else { throw failure("a key that is not a string") }
                entries[Bencode.Key(bytes: key)] = try value(depth: depth + 1)
            }
            index += 1
            return .dict(entries)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            let length = try digits(until: UInt8(ascii: ":"), signed: false)
            guard length <= bytes.count - index else { throw failure("a string longer than the data") }
            defer { index += length }
            return .bytes(Array(bytes[index..<index + length]))
        default:
            throw failure("unexpected byte \(first)")
        }
    }

    /// A decimal number ending at `terminator`, which is consumed.
    private mutating func digits(until terminator: UInt8, signed: Bool) throws(LunaError) -> Int {
        var negative = false
        if signed, peek == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var number = 0
        var count = 0
        while let byte = peek, byte != terminator {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), count < 18 else { throw failure("a bad number") }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
            count += 1
            index += 1
        }
        guard count > 0, peek == terminator else { throw failure("a bad number") }
        index += 1
        return negative ? -number : number
    }
}
