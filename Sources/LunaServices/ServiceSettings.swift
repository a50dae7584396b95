/// Which services this controller runs and where their files go (luna.ini `[SERVICES]`):
/// each controller renders and reloads its own daemons.
public struct ServiceSettings: Sendable {
    public struct DHCP: Sendable {
        public var config: String
        public var interfaces: [String]
        public var controlSocket: String
        public var leaseFile: String
        public var reload: [String]

        public init(config: String, interfaces: [String], controlSocket: String, leaseFile: String, reload: [String]) {
            self.config = config
            self.interfaces = interfaces
            self.controlSocket = controlSocket
            self.leaseFile = leaseFile
            self.reload = reload
        }
    }

    /// The TFTP root that plain PXE firmware loads iPXE from: Luna keeps Debian's iPXE
    /// binaries (`undionly.kpxe`, `ipxe.efi`) there.
    public struct TFTP: Sendable {
        public var directory: String
        public var ipxe: String

        public init(directory: String, ipxe: String) {
            self.directory = directory
            self.ipxe = ipxe
        }
    }

    /// keepalived holds the beacon instead of Luna's leases: Luna renders its configuration.
    public struct Keepalived: Sendable {
        public var interface: String
        public var config: String
        public var reload: [String]

        public init(interface: String, config: String, reload: [String]) {
            self.interface = interface
            self.config = config
            self.reload = reload
        }
    }

    public struct DNS: Sendable {
        /// Zone files, `zones.conf` and `options.conf` (the site's named.conf includes the two).
        public var directory: String
        public var reload: [String]

        public init(directory: String, reload: [String]) {
            self.directory = directory
            self.reload = reload
        }
    }

    public var dhcp: DHCP?
    public var dhcp6: DHCP?
    public var dns: DNS?
    public var tftp: TFTP?
    public var keepalived: Keepalived?
    /// The commands that start, stop and report each daemon, by luna2's service name.
    public var controls: [String: ServiceControl] = [:]

    public init(dhcp: DHCP? = nil, dhcp6: DHCP? = nil, dns: DNS? = nil, tftp: TFTP? = nil) {
        self.dhcp = dhcp
        self.dhcp6 = dhcp6
        self.dns = dns
        self.tftp = tftp
    }

    public var isEmpty: Bool { dhcp == nil && dhcp6 == nil && dns == nil && tftp == nil && keepalived == nil }
}
