import LunaDomain
import LunaModel

/// BIND's zones for the cluster: for every network a forward zone named after it and the
/// reverse zones of its ranges, with records for node interfaces, switches, other devices,
/// controllers, luna2's extra records, and `controller` for the beacon.
public struct BINDZones {
    let state: ClusterState

    public init(state: ClusterState) {
        self.state = state
    }

    public func zones() throws(LunaError) -> [DNSZone] {
        let beacon = try ControllerEndpoint(state: state, scheme: "http")
        let primary =
            state.row(.controller, beacon.controller)?["network"]?.stringValue ?? state.keys(.network).first ?? "cluster"
        var zones: [DNSZone] = []
        for network in state.keys(.network) {
            let row = state.row(.network, network)!
            let server = "controller.\(primary)."
            var forward: [DNSZone.Record] = []
            var reverse: [String: [DNSZone.Record]] = [:]
            for (host, address) in hosts(on: network) {
                forward.append(.init(name: host, type: address.family == .v4 ? "A" : "AAAA", value: address.description))
                if let (zone, label) = ReverseName.of(address, in: row) {
                    reverse[zone, default: []].append(.init(name: label, type: "PTR", value: "\(host).\(network)."))
                }
            }
            if network == primary {
                forward.append(
                    .init(name: "controller", type: beacon.address.contains(":") ? "AAAA" : "A", value: beacon.address))
            }
            zones.append(DNSZone(name: network, server: server, records: unique(forward)))
            for (zone, records) in reverse.sorted(by: { $0.key < $1.key }) {
                zones.append(DNSZone(name: zone, server: server, records: unique(records)))
            }
        }
        return zones
    }

    /// Every name with an address on the network: node interfaces (the node's name, or
    /// `node-interface` for a second one on the same network), switches, other devices,
    /// controllers and the network's extra records.
    func hosts(on network: String) -> [(String, IPAddress)] {
        var hosts: [(String, IPAddress)] = []
        var named = Set<String>()
        func add(_ name: String, _ row: Row) {
            for field in ["ipaddress", "ipaddress_ipv6"] {
                if let address = row[field]?.stringValue.flatMap(IPAddress.init) { hosts.append((name, address)) }
            }
        }
        for key in state.keys(.nodeinterface) {
            let row = state.row(.nodeinterface, key)!
            guard row["network"]?.stringValue == network else { continue }
            let (node, interface) = RowKey.split(key)
            let name = named.insert(node).inserted ? node : "\(node)-\(Self.label(interface))"
            add(name, row)
        }
        for table in [Table.switch, .otherdev, .controller] {
            for name in state.keys(table).sorted() where state.row(table, name)?["network"]?.stringValue == network {
                add(name, state.row(table, name)!)
            }
        }
        for key in state.childKeys(.dns, of: network) {
            add(RowKey.split(key).name, state.row(.dns, key)!)
        }
        return hosts
    }

    /// An interface name as a DNS label: lowercase, dots and underscores as dashes.
    static func label(_ interface: String) -> String {
        String(interface.lowercased().map { $0 == "." || $0 == "_" ? "-" : $0 })
    }

    /// One record of each kind for a name: a name given twice (an extra record named like a
    /// node) keeps its first address.
    func unique(_ records: [DNSZone.Record]) -> [DNSZone.Record] {
        var seen = Set<String>()
        return records.filter { seen.insert("\($0.name) \($0.type)").inserted }
    }

    /// The zone statements BIND includes, each zone file in `directory`.
    public func zonesConf(_ zones: [DNSZone], directory: String) -> String {
        zones.map { zone in
            """
            zone "\(zone.name)" IN {
                type primary;
                file "\(directory)/\(zone.name).luna.zone";
                allow-update { none; };
                allow-transfer { none; };
            };
            """
        }.joined(separator: "\n") + "\n"
    }

    /// BIND's options from the cluster: forwarders and DNSSEC validation.
    public func optionsConf(directory: String) -> String {
        let cluster = state.row(.cluster, "cluster") ?? [:]
        let forwarders = (cluster["forwardserver_ip"]?.stringValue ?? "").split(whereSeparator: { $0 == "," || $0 == " " })
            .compactMap { IPAddress(String($0)) }
        let validation = cluster["dnssec_validation"] == .bool(false) ? "no" : "auto"
        var lines = [
            "options {", "    directory \"\(directory)\";", "    listen-on { any; };", "    listen-on-v6 { any; };",
            "    allow-query { any; };", "    dnssec-validation \(validation);",
        ]
        if !forwarders.isEmpty {
            lines.append("    forwarders { \(forwarders.map { "\($0);" }.joined(separator: " ")) };")
        }
        lines.append("};")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Reverse zones: a network's range rounded out to whole octets (IPv4) or nibbles (IPv6),
/// and a host's label inside it.
enum ReverseName {
    static func of(_ address: IPAddress, in network: Row) -> (zone: String, label: String)? {
        let field = address.family == .v4 ? "network" : "network_ipv6"
        guard let cidr = network[field]?.stringValue.flatMap(IPNetwork.init), cidr.contains(address) else { return nil }
        let step = address.family == .v4 ? 8 : 4
        let width = address.bitWidth
        let zoneDigits = max(1, cidr.prefix / step)
        let digits = (0..<(width / step)).map { index -> String in
            let shift = UInt128(width - step * (index + 1))
            let part = (address.value >> shift) & UInt128((1 << step) - 1)
            return address.family == .v4 ? String(part) : String(part, radix: 16)
        }
        let suffix = address.family == .v4 ? "in-addr.arpa" : "ip6.arpa"
        let zone = (digits.prefix(zoneDigits).reversed() + [suffix]).joined(separator: ".")
        let label = digits.dropFirst(zoneDigits).reversed().joined(separator: ".")
        return (zone, label)
    }
}
