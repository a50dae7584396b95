#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// An IPv4 or IPv6 address as a number, so ranges and "next free" are arithmetic.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case v4, v6 }

    public let family: Family
    public let value: UInt128

    public init(family: Family, value: UInt128) {
        self.family = family
        self.value = value
    }

    /// Parses dotted IPv4 or RFC 4291 IPv6 text; nil for anything else.
    public init?(_ text: String) {
        if text.contains(":") {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
            let bytes = withUnsafeBytes(of: raw) { Array($0) }
            self.init(family: .v6, value: bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
        } else {
            var raw = in_addr()
            guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
            self.init(family: .v4, value: UInt128(UInt32(bigEndian: raw.s_addr)))
        }
    }

    public var bitWidth: Int { family == .v4 ? 32 : 128 }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if family == .v4 {
            var raw = in_addr(s_addr: UInt32(truncatingIfNeeded: value).bigEndian)
            inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
        } else {
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in 0..<16 { bytes[index] = UInt8(truncatingIfNeeded: value >> (8 * (15 - index))) }
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
            inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.family == .v4 ? 0 : 1, lhs.value) < (rhs.family == .v4 ? 0 : 1, rhs.value)
    }
}

/// A network in CIDR form (`10.141.0.0/16`, `fd00::/64`).
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let base: IPAddress
    public let prefix: Int

    /// Parses `address/prefix`; the address must be the network's first address.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])),
            parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1] == "0" || !parts[1].hasPrefix("0"),
            let prefix = Int(parts[1]),
            prefix >= 0, prefix <= address.bitWidth
        else { return nil }
        self.init(base: address, prefix: prefix)
        guard base.value & hostMask == 0 else { return nil }
    }

    public init(base: IPAddress, prefix: Int) {
        self.base = base
        self.prefix = prefix
    }

    public var family: IPAddress.Family { base.family }

    var hostMask: UInt128 {
        let hostBits = base.bitWidth - prefix
        return hostBits == 128 ? UInt128.max : (UInt128(1) << hostBits) - 1
    }

    public var first: IPAddress { base }
    public var last: IPAddress { IPAddress(family: family, value: base.value | hostMask) }

    public func contains(_ address: IPAddress) -> Bool {
        address.family == family && address.value & ~hostMask == base.value
    }

    /// The addresses a host may hold: IPv4 excludes network and broadcast (below /31).
    public var hostRange: ClosedRange<UInt128>? {
        if family == .v4, prefix < 31 {
            guard last.value - first.value >= 2 else { return nil }
            return (first.value + 1)...(last.value - 1)
        }
        if family == .v6, prefix < 127 { return (first.value + 1)...last.value }
        return first.value...last.value
    }

    /// The dotted netmask for IPv4 (`255.255.0.0`); the prefix for IPv6.
    public var netmask: String {
        guard family == .v4 else { return String(prefix) }
        return IPAddress(family: .v4, value: ~hostMask & 0xFFFF_FFFF).description
    }

    public var description: String { "\(base)/\(prefix)" }
}
