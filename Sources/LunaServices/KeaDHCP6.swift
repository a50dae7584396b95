import Foundation
import LunaDomain
import LunaModel

/// Kea's DHCPv6 configuration for one controller: a subnet per network with an IPv6 prefix
/// and DHCP on, this controller's slice of the IPv6 range, and a fixed address per MAC
/// (Kea takes the client's MAC from the DUID or the relay). Boot URLs stay with DHCPv4:
/// the iPXE Luna ships starts from IPv4.
public struct KeaDHCP6 {
    let state: ClusterState
    let site: KeaDHCP4.Site

    public init(state: ClusterState, site: KeaDHCP4.Site) {
        self.state = state
        self.site = site
    }

    public func configuration() throws(LunaError) -> JSONValue {
        let beacon = try ControllerEndpoint(state: state, scheme: site.scheme)
        let cluster = state.row(.cluster, "cluster") ?? [:]
        var subnets: [JSONValue] = []
        for (index, name) in state.keys(.network).enumerated() {
            guard let network = state.row(.network, name), network["dhcp"] == .bool(true),
                let cidr = network["network_ipv6"]?.stringValue.flatMap(IPNetwork.init)
            else { continue }
            var entry: [String: JSONValue] = [
                "id": .int(index + 1), "subnet": .string(cidr.description),
                "interface": .string(site.interfaces.first ?? ""),
            ]
            if let first = network["dhcp_range_begin_ipv6"]?.stringValue.flatMap(IPAddress.init),
                let last = network["dhcp_range_end_ipv6"]?.stringValue.flatMap(IPAddress.init),
                let slice = PoolSlice.slice(first, last, for: site.controller, in: state)
            {
                entry["pools"] = [["pool": .string("\(slice.lowerBound) - \(slice.upperBound)")]]
            }
            var options: [JSONValue] = []
            let beaconV6 = beacon.address.contains(":") ? beacon.address : nil
            if let server = network["nameserver_ip_ipv6"]?.stringValue ?? beaconV6 {
                options.append(["name": "dns-servers", "data": .string(server)])
            }
            let search = (cluster["domain_search"]?.stringValue ?? name).split(whereSeparator: { $0 == "," || $0 == " " })
            options.append(["name": "domain-search", "data": .string(search.joined(separator: ", "))])
            entry["option-data"] = .array(options)
            entry["reservations"] = .array(
                KeaReservations(state: state).entries(on: name, within: cidr).map { entry in
                    [
                        "hw-address": .string(entry.mac), "ip-addresses": [.string(entry.address.description)],
                        "hostname": .string(entry.host),
                    ]
                })
            subnets.append(.object(entry))
        }
        return [
            "Dhcp6": [
                "interfaces-config": ["interfaces": .array(site.interfaces.map { .string($0) })],
                "control-socket": ["socket-type": "unix", "socket-name": .string(site.controlSocket)],
                "lease-database": ["type": "memfile", "persist": true, "name": .string(site.leaseFile)],
                "mac-sources": ["any"],
                // The server's DUID is kept here: each controller's own, never /var/lib/kea shared by all.
                "data-directory": .string((site.leaseFile as NSString).deletingLastPathComponent),
                "preferred-lifetime": 3000, "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
                "subnet6": .array(subnets),
            ]
        ]
    }
}
