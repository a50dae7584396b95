import LunaDomain
import LunaLog
import LunaModel
import LunaTransport

/// Joining: a controller that holds a certificate from the cluster CA asks a member to
/// let it join (`luna cluster join`), and the members learn where to reach it.
extension Controller {
    /// Makes `joiner` a member reached at `address` (host:port of its replication listener),
    /// and hands it what it starts from: the cluster key and this controller's snapshot.
    /// Asking again changes nothing but a new address.
    public func admit(_ joiner: String, address: String) async throws(LunaError) -> PeerJoin.Answer {
        try NamePattern.host.check(joiner, field: "name")
        guard Self.isPeerAddress(address) else {
            throw LunaError.invalid("Invalid request: address '\(address)' is not host:port")
        }
        // A removed controller joins again only this way, from an empty data directory: a
        // new incarnation, while its old one stays refused.
        if removals[joiner]?.through != nil {
            _ = try await submit(
                MembershipIntents.readmitIntent, object: joiner, body: [:], actor: "join:\(joiner)", requestID: "join-\(joiner)")
        }
        if state.row(.controller, joiner)?["replication_address"]?.stringValue != address {
            _ = try await submit(
                "Controller.update", object: joiner, body: ["replication_address": .string(address)], actor: "join:\(joiner)",
                requestID: "join-\(joiner)")
        }
        do {
            return PeerJoin.Answer(key: key.bytes, snapshot: try SnapshotFile.read(path: directory.snapshot))
        } catch {
            throw LunaError(.unavailable, "Service unavailable: the snapshot cannot be read: \(error)")
        }
    }

    /// The replication address of every other controller that joined with one.
    public var peerAddresses: [String: String] {
        var addresses: [String: String] = [:]
        for (member, row) in state.rows(.controller) where member != name {
            if let address = row["replication_address"]?.stringValue, Self.isPeerAddress(address) {
                addresses[member] = address
            }
        }
        return addresses
    }

    static func isPeerAddress(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port)
        else { return false }
        return text[..<colon].unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || "0123456789.-:[]".unicodeScalars.contains($0)
        }
    }
}
