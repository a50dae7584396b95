import LunaDomain
import LunaModel

/// Kea's DHCPv4 configuration for one controller, built from the views as JSON (Kea's own
/// format; written structurally, not through a text template, so it is always well formed
/// and the same views give the same bytes on every controller but for the pool slice).
public struct KeaDHCP4 {
    /// What is this controller's own, not the cluster's: from luna.ini.
    public struct Site: Sendable {
        public var controller: String
        public var interfaces: [String]
        public var controlSocket: String
        public var leaseFile: String
        public var scheme: String

        public init(controller: String, interfaces: [String], controlSocket: String, leaseFile: String, scheme: String = "http") {
            self.controller = controller
            self.interfaces = interfaces
            self.controlSocket = controlSocket
            self.leaseFile = leaseFile
            self.scheme = scheme
        }
    }

    let state: ClusterState
    let site: Site

    public init(state: ClusterState, site: Site) {
        self.state = state
        self.site = site
    }

    /// The whole configuration, or why the views cannot make one (no beacon address).
    public func configuration() throws(LunaError) -> JSONValue {
        let beacon = try ControllerEndpoint(state: state, scheme: site.scheme)
        var subnets: [JSONValue] = []
        for (index, name) in state.keys(.network).enumerated() {
            guard let network = state.row(.network, name), network["dhcp"] == .bool(true),
                let cidr = network["network"]?.stringValue.flatMap(IPNetwork.init)
            else { continue }
            subnets.append(subnet(name, network, cidr, id: index + 1, beacon: beacon))
        }
        return [
            "Dhcp4": [
                "interfaces-config": ["interfaces": .array(site.interfaces.map { .string($0) }), "dhcp-socket-type": "raw"],
                "control-socket": ["socket-type": "unix", "socket-name": .string(site.controlSocket)],
                "lease-database": ["type": "memfile", "persist": true, "name": .string(site.leaseFile)],
                "valid-lifetime": 3600, "renew-timer": 900, "rebind-timer": 1800,
                "client-classes": clientClasses(beacon),
                "subnet4": .array(subnets),
            ]
        ]
    }

    /// iPXE (user class `iPXE`) is sent the boot URL on the beacon; other PXE firmware is
    /// sent iPXE over TFTP, the EFI build or the BIOS one by its architecture (option 93).
    func clientClasses(_ beacon: ControllerEndpoint) -> JSONValue {
        let boot = "\(beacon.url)/boot"
        return [
            [
                "name": "ipxe", "test": "substring(option[77].hex,0,4) == 'iPXE'", "boot-file-name": .string(boot),
                "option-data": [["name": "boot-file-name", "data": .string(boot)]],
            ],
            [
                "name": "pxe-efi", "test": "not member('ipxe') and (option[93].hex == 0x0007 or option[93].hex == 0x0009)",
                "next-server": .string(beacon.address), "boot-file-name": "ipxe.efi",
            ],
            [
                "name": "pxe-bios", "test": "not member('ipxe') and not member('pxe-efi') and option[93].hex == 0x0000",
                "next-server": .string(beacon.address), "boot-file-name": "undionly.kpxe",
            ],
        ]
    }

    func subnet(_ name: String, _ network: Row, _ cidr: IPNetwork, id: Int, beacon: ControllerEndpoint) -> JSONValue {
        var entry: [String: JSONValue] = ["id": .int(id), "subnet": .string(cidr.description)]
        if let first = network["dhcp_range_begin"]?.stringValue.flatMap(IPAddress.init),
            let last = network["dhcp_range_end"]?.stringValue.flatMap(IPAddress.init),
            let slice = PoolSlice.slice(first, last, for: site.controller, in: state)
        {
            entry["pools"] = [["pool": .string("\(slice.lowerBound) - \(slice.upperBound)")]]
        }
        entry["option-data"] = .array(options(name, network, beacon: beacon))
        entry["reservations"] = .array(
            KeaReservations(state: state).entries(on: name, within: cidr).map { entry in
                [
                    "hw-address": .string(entry.mac), "ip-address": .string(entry.address.description),
                    "hostname": .string(entry.host),
                ]
            })
        return .object(entry)
    }

    func options(_ name: String, _ network: Row, beacon: ControllerEndpoint) -> [JSONValue] {
        let cluster = state.row(.cluster, "cluster") ?? [:]
        var options: [JSONValue] = []
        if let gateway = network["gateway"]?.stringValue {
            options.append(["name": "routers", "data": .string(gateway)])
        }
        let nameServer = network["nameserver_ip"]?.stringValue ?? cluster["nameserver_ip"]?.stringValue ?? beacon.address
        options.append(["name": "domain-name-servers", "data": .string(nameServer)])
        options.append(["name": "domain-name", "data": .string(name)])
        let search = (cluster["domain_search"]?.stringValue ?? name).split(whereSeparator: { $0 == "," || $0 == " " })
        options.append(["name": "domain-search", "data": .string(search.joined(separator: ", "))])
        if let ntp = network["ntp_server"]?.stringValue ?? cluster["ntp_server"]?.stringValue.flatMap(IPAddress.init)?.description
        {
            options.append(["name": "ntp-servers", "data": .string(ntp)])
        }
        return options
    }
}
