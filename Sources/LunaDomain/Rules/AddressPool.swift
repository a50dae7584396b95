import LunaModel

/// Address allocation on one network: the first free host address, never the gateway,
/// never inside the DHCP range (those are leased dynamically), never one that is taken.
enum AddressPool {
    static func subnet(_ network: Row, _ family: IPAddress.Family) -> IPNetwork? {
        let field = family == .v4 ? "network" : "network_ipv6"
        return network[field]?.stringValue.flatMap(IPNetwork.init)
    }

    static func dhcpRange(_ network: Row, _ family: IPAddress.Family) -> ClosedRange<UInt128>? {
        guard network["dhcp"] == .bool(true) else { return nil }
        let suffix = family == .v4 ? "" : "_ipv6"
        guard let begin = network["dhcp_range_begin" + suffix]?.stringValue.flatMap(IPAddress.init),
            let end = network["dhcp_range_end" + suffix]?.stringValue.flatMap(IPAddress.init), begin <= end
        else { return nil }
        return begin.value...end.value
    }

    static func gateway(_ network: Row, _ family: IPAddress.Family) -> IPAddress? {
        network[family == .v4 ? "gateway" : "gateway_ipv6"]?.stringValue.flatMap(IPAddress.init)
    }

    /// The next address a new interface on `name` gets, or nil when the network is full.
    static func nextFree(on name: String, _ family: IPAddress.Family, in state: ClusterState) -> IPAddress? {
        guard let network = state.row(.network, name), let subnet = subnet(network, family),
            let hosts = subnet.hostRange
        else { return nil }
        let taken = state.addresses[name] ?? [:]
        let gateway = gateway(network, family)?.value
        let dhcp = dhcpRange(network, family)
        var candidate = max(hosts.lowerBound, state.allocationFloors[name]?[family] ?? 0)
        guard candidate <= hosts.upperBound else { return nil }
        // Bounded by what is taken: at most taken.count + range skips before a free one.
        while true {
            if let dhcp, dhcp.contains(candidate) {
                guard dhcp.upperBound < hosts.upperBound else { return nil }
                candidate = dhcp.upperBound + 1
                continue
            }
            let address = IPAddress(family: family, value: candidate)
            if candidate != gateway, taken[address] == nil { return address }
            guard candidate < hosts.upperBound else { return nil }
            candidate += 1
        }
    }

    /// Checks that `address` may be given to `holder` on network `name`.
    /// Only a controller may hold the gateway address: it is often the cluster's router.
    static func checkAssignable(
        _ address: IPAddress, on name: String, holder: String, force: Bool, in state: ClusterState
    ) throws(LunaError) {
        let mayRoute = holder.hasPrefix("controller:")
        guard let network = state.row(.network, name) else {
            throw .invalid("Invalid request: network \(name) is not known or valid")
        }
        guard let subnet = subnet(network, address.family) else {
            let kind = address.family == .v4 ? "IPv4" : "IPv6"
            throw .invalid("Invalid request: network \(name) has no \(kind) range for address \(address)")
        }
        guard subnet.contains(address), subnet.hostRange?.contains(address.value) == true else {
            throw .invalid("Invalid request: \(address) is not in the range of network \(name) (\(subnet))")
        }
        if !mayRoute, address == gateway(network, address.family) {
            throw .invalid("Invalid request: \(address) is the gateway of network \(name)")
        }
        if let owner = state.addresses[name]?[address], owner != holder {
            throw .invalid("Invalid request: \(address) on network \(name) is already in use by \(owner)")
        }
        if !force, let dhcp = dhcpRange(network, address.family), dhcp.contains(address.value) {
            throw .invalid("Invalid request: \(address) lies in the DHCP range of network \(name); set force to use it anyway")
        }
    }

    /// Gives a device row its addresses on `network`: the requested one (checked), or the
    /// next free one of each family the network has.
    static func assign(
        _ row: inout Row, network name: String, requested: IPAddress?, holder: String, force: Bool,
        in state: inout ClusterState
    ) throws(LunaError) {
        guard let network = state.row(.network, name) else {
            throw .invalid("Invalid request: network \(name) is not known or valid")
        }
        row["network"] = .string(name)
        for family in [IPAddress.Family.v4, .v6] {
            let field = family == .v4 ? "ipaddress" : "ipaddress_ipv6"
            if let requested, requested.family == family {
                try checkAssignable(requested, on: name, holder: holder, force: force, in: state)
                row[field] = .string(requested.description)
                continue
            }
            if let current = row[field]?.stringValue.flatMap(IPAddress.init),
                (try? checkAssignable(current, on: name, holder: holder, force: true, in: state)) != nil
            {
                continue
            }
            row[field] = nil
            guard subnet(network, family) != nil else { continue }
            guard let next = nextFree(on: name, family, in: state) else {
                throw .invalid("Invalid request: network \(name) has no free \(family == .v4 ? "IPv4" : "IPv6") address left")
            }
            state.raiseAllocationFloor(name, family, to: next.value)
            row[field] = .string(next.description)
        }
    }
}
