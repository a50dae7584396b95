import LunaDomain
import LunaModel

/// One interface of a node as the installer configures it (Specs/netboot.md §3, the
/// `NIC_*` variables), with its network's prefix, gateway, DHCP and name servers.
public struct InterfaceFacts: Sendable {
    public var name: String
    public var mac = ""
    public var type = "ethernet"
    public var ipv4 = "", prefix4 = "", netmask4 = "", gateway4 = ""
    public var ipv6 = "", prefix6 = "", gateway6 = ""
    public var dhcp = false
    public var mtu = "", vlanID = "", vlanParent = "", bondMode = "", bondSlaves = ""
    public var options = "", network = "", zone = "trusted"
    public var dnsServers = "", dnsSearch = ""
    public var provisioning = false

    /// The interfaces the installer writes: every interface of the node but the BMC's.
    public static func all(of node: NodeFacts, state: ClusterState) -> [InterfaceFacts] {
        state.childKeys(.nodeinterface, of: node.name).sorted().compactMap { key in
            let row = state.row(.nodeinterface, key)!
            let name = row["interface"]?.stringValue ?? RowKey.split(key).name
            guard name != "BMC" else { return nil }
            return InterfaceFacts(name: name, row: row, provisioning: name == node.provisionInterface, state: state)
        }
    }

    public init(name: String, row: Row, provisioning: Bool, state: ClusterState) {
        self.name = name
        self.provisioning = provisioning
        mac = row["macaddress"]?.stringValue ?? ""
        let networkRow = row["network"]?.stringValue.flatMap { state.row(.network, $0) } ?? [:]
        network = row["network"]?.stringValue ?? ""
        if let address = row["ipaddress"]?.stringValue, let cidr = networkRow["network"]?.stringValue.flatMap(IPNetwork.init) {
            ipv4 = address
            prefix4 = String(cidr.prefix)
            netmask4 = cidr.netmask
            gateway4 = networkRow["gateway"]?.stringValue ?? ""
        }
        if let address = row["ipaddress_ipv6"]?.stringValue,
            let cidr = networkRow["network_ipv6"]?.stringValue.flatMap(IPNetwork.init)
        {
            ipv6 = address
            prefix6 = String(cidr.prefix)
            gateway6 = networkRow["gateway_ipv6"]?.stringValue ?? ""
        }
        dhcp = row["dhcp"] == .bool(true) && networkRow["dhcp"] == .bool(true)
        mtu = Self.text(row["mtu"])
        vlanID = Self.text(row["vlanid"])
        vlanParent = Self.text(row["vlan_parent"])
        bondMode = Self.text(row["bond_mode"])
        bondSlaves = Self.text(row["bond_slaves"]).split(whereSeparator: { $0 == "," || $0 == " " }).joined(separator: " ")
        options = Self.text(row["options"])
        if !bondMode.isEmpty || !bondSlaves.isEmpty {
            type = "bond"
        } else if !vlanID.isEmpty {
            type = "vlan"
        } else if networkRow["type"]?.stringValue == "infiniband" {
            type = "infiniband"
        }
        zone = networkRow["zone"]?.stringValue == "external" ? "public" : "trusted"
        let cluster = state.row(.cluster, "cluster") ?? [:]
        dnsServers = [networkRow["nameserver_ip"], networkRow["nameserver_ip_ipv6"], cluster["nameserver_ip"]]
            .compactMap { $0?.stringValue }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            .joined(separator: " ")
        let search = cluster["domain_search"]?.stringValue ?? network
        dnsSearch = search.split(whereSeparator: { $0 == "," || $0 == " " }).joined(separator: " ")
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: text
        case .int(let number)?: String(number)
        default: ""
        }
    }

    /// `luna.ip` on the kernel line: `dhcp`, the IPv6 address/prefix, or the IPv4 one.
    public func kernelAddress(node: String) throws(BootFailure) -> (ip: String, gateway: String) {
        if dhcp { return ("dhcp", "") }
        if !ipv6.isEmpty { return ("\(ipv6)/\(prefix6)", gateway6) }
        if !ipv4.isEmpty { return ("\(ipv4)/\(prefix4)", gateway4) }
        throw BootFailure(
            "interface \(name) of node \(node) has no IP address and no DHCP: give it an address on a network. Node \(node) cannot boot"
        )
    }

    /// The template's view of it: `NIC_*` values by their lowercase names.
    var context: TemplateRecord {
        TemplateRecord([
            "name": name, "mac": mac, "type": type, "ipv4": ipv4, "prefix4": prefix4, "netmask4": netmask4,
            "gateway4": gateway4, "ipv6": ipv6, "prefix6": prefix6, "gateway6": gateway6, "dhcp": dhcp ? "yes" : "no",
            "mtu": mtu, "vlanid": vlanID, "vlan_parent": vlanParent, "bond_mode": bondMode, "bond_slaves": bondSlaves,
            "options": options, "network": network, "zone": zone, "dns_servers": dnsServers, "dns_search": dnsSearch,
            "default_route": provisioning ? "yes" : "no", "provisioning": provisioning,
        ])
    }
}
