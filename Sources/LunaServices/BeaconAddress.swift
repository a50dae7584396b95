import Foundation
import LunaModel

/// The beacon address on this controller's interface: added and announced when this
/// controller takes the beacon, removed when it lets it go. IPv4 is announced with
/// gratuitous ARP (`arping -U`); for IPv6 the kernel sends the unsolicited neighbour
/// advertisement once the address is up, when the interface's `ndisc_notify` is set.
public struct BeaconAddress: Sendable {
    public let interface: String
    public let address: String
    public let prefix: Int

    public init(interface: String, address: String, prefix: Int) {
        self.interface = interface
        self.address = address
        self.prefix = prefix
    }

    var isIPv6: Bool { address.contains(":") }
    var family: String { isIPv6 ? "-6" : "-4" }

    /// Whether the interface has the address now.
    public func present() async -> Bool {
        guard
            let shown = try? await ProgramRun(["ip", "-o", family, "addr", "show", "dev", interface], timeout: .seconds(5)).run()
        else { return false }
        return shown.output.split(separator: " ").contains { $0.hasPrefix("\(address)/") }
    }

    /// Adds the address (a no-op when it is there); `announce` then tells the neighbours.
    public func take() async throws(LunaError) {
        if isIPv6 {
            let notify = "/proc/sys/net/ipv6/conf/\(interface)/ndisc_notify"
            try? "1\n".write(toFile: notify, atomically: false, encoding: .utf8)
        }
        var add = ["ip", family, "addr", "add", "\(address)/\(prefix)", "dev", interface]
        if isIPv6 { add.append("nodad") }
        let added = try await ProgramRun(add, timeout: .seconds(5)).run()
        guard added.succeeded || added.output.contains("File exists") else {
            throw LunaError(.unavailable, "the beacon \(address) could not be added to \(interface): \(added.tail)")
        }
    }

    /// Gratuitous ARP for IPv4 (the kernel announces IPv6 itself).
    public func announce() async throws(LunaError) {
        guard !isIPv6 else { return }
        // Neighbours learn the new owner at once instead of when their ARP entry expires.
        let announced = try await ProgramRun(
            ["arping", "-U", "-c", "2", "-w", "2", "-I", interface, address], timeout: .seconds(5)
        ).run()
        guard announced.succeeded || announced.output.contains("Sent 2 probes") else {
            throw LunaError(.unavailable, "the beacon \(address) was added but not announced on \(interface): \(announced.tail)")
        }
    }

    /// Removes the address (a no-op when it is not there).
    public func release() async throws(LunaError) {
        let removed = try await ProgramRun(
            ["ip", family, "addr", "del", "\(address)/\(prefix)", "dev", interface], timeout: .seconds(5)
        ).run()
        guard removed.succeeded || removed.output.contains("Cannot assign requested address") else {
            throw LunaError(.unavailable, "the beacon \(address) could not be removed from \(interface): \(removed.tail)")
        }
    }
}
