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
    public var dns: DNS?

    public init(dhcp: DHCP? = nil, dns: DNS? = nil) {
        self.dhcp = dhcp
        self.dns = dns
    }
}
