import LunaModel

/// What a network's addresses look like: who holds which, the next free one, and
/// whether one given address is taken.
public struct NetworkView {
    let state: ClusterState

    public init(state: ClusterState) {
        self.state = state
    }

    /// Every taken address with the device holding it (node, switch, controller…).
    public func taken(_ name: String) -> [JSONValue]? {
        guard state.row(.network, name) != nil else { return nil }
        return (state.addresses[name] ?? [:]).sorted { $0.key < $1.key }.map { address, holder in
            .object(["ipaddress": .string(address.description), "device": .string(Self.device(holder))])
        }
    }

    /// `node001/BOOTIF` → `node001`, `switch:sw1` → `sw1`.
    static func device(_ holder: String) -> String {
        if let colon = holder.firstIndex(of: ":") { return String(holder[holder.index(after: colon)...]) }
        return RowKey.split(holder).owner
    }

    public func nextFree(_ name: String) throws(LunaError) -> String {
        guard let network = state.row(.network, name) else { throw .notFound("Network \(name) is not available") }
        let family: IPAddress.Family = network["network"] != nil ? .v4 : .v6
        guard let next = AddressPool.nextFree(on: name, family, in: state) else {
            throw .notFound("Network \(name) has no free address left")
        }
        return next.description
    }

    /// "taken" or "free"; an address outside the network is an error.
    public func status(_ name: String, address text: String) throws(LunaError) -> String {
        guard let network = state.row(.network, name) else { throw .notFound("Network \(name) is not available") }
        guard let address = IPAddress(text) else { throw .invalid("Invalid request: \(text) is not an IP address") }
        guard let subnet = AddressPool.subnet(network, address.family), subnet.contains(address) else {
            throw .invalid("Invalid request: \(text) is not in the range of network \(name)")
        }
        let taken = state.addresses[name]?[address] != nil || address == AddressPool.gateway(network, address.family)
        return taken ? "taken" : "free"
    }
}
