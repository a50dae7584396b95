/// The resources of luna2's API, as its contract (luna2-api.md) lists their fields. A
/// resource the controller does not serve yet answers 404, which the CLI reports.
enum Resources {
    static let node = Resource(
        name: "node", noun: "node",
        fields: words(
            """
            group osimage osimagetag bmcsetup switch switchport cloud kerneloptions ipxe_kernel service setupbmc netboot
            bootmenu status comment roles scripts vendor assettag prescript partscript postscript provision_interface
            provision_method provision_fallback tpm_uuid tpm_pubkey tpm_sha256 unmanaged_bmc_users routes
            """),
        columns: words("group osimage interfaces status comment"), renameKey: "newnodename", clones: true,
        interfaceFields: words(
            "network ipaddress macaddress mtu vlanid vlan_parent bond_mode bond_slaves options dhcp force newinterfacename"))

    static let group = Resource(
        name: "group", noun: "group",
        fields: words(
            """
            bmcsetupname setupbmc osimage osimagetag kerneloptions ipxe_kernel prescript partscript postscript
            netboot bootmenu comment roles scripts provision_interface provision_method provision_fallback
            unmanaged_bmc_users routes
            """),
        columns: words("osimage bmcsetupname setupbmc netboot interfaces comment"), renameKey: "newgroupname",
        clones: true, members: true,
        interfaceFields: words("network mtu vlanid vlan_parent bond_mode bond_slaves options dhcp newinterfacename"))

    static let network = Resource(
        name: "network", noun: "network",
        fields: words(
            """
            network network_ipv6 gateway gateway_ipv6 gateway_metric nameserver_ip nameserver_ip_ipv6 ntp_server dhcp
            dhcp_range_begin dhcp_range_end dhcp_range_begin_ipv6 dhcp_range_end_ipv6 dhcp_nodes_in_pool dhcp_nodes_only
            dhcp_relay zone shared type non_authoritative comment routes
            """),
        columns: words("network network_ipv6 gateway dhcp dhcp_range_begin dhcp_range_end type zone comment"),
        renameKey: "newnetname", members: true)

    static let osimage = Resource(
        name: "osimage", noun: "OS image",
        fields: words(
            """
            grab_filesystems grab_exclude initrdfile kernelfile kernelmodules kerneloptions kernelversion path imagefile
            distribution osrelease comment tag
            """),
        columns: words("distribution osrelease kernelversion path tag comment"), renameKey: "newosimage", clones: true,
        members: true)

    static let bmcsetup = Resource(
        name: "bmcsetup", noun: "BMC setup",
        fields: words("userid username password netchannel mgmtchannel comment unmanaged_bmc_users"),
        columns: words("userid username netchannel mgmtchannel comment"), renameKey: "newbmcname", clones: true,
        members: true)

    static let `switch` = Resource(
        name: "switch", noun: "switch",
        fields: words(
            "macaddress oid read rw uplinkports vendor netboot default_url bootfile ztpconfig ztpformat comment network ipaddress"
        ),
        columns: words("network ipaddress macaddress oid vendor comment"), renameKey: "newswitchname", clones: true)

    static let otherdev = Resource(
        name: "otherdev", noun: "device",
        fields: words("macaddress vendor comment network ipaddress"),
        columns: words("network ipaddress macaddress vendor comment"), renameKey: "newotherdevname", clones: true)

    static let rack = Resource(
        name: "rack", noun: "rack",
        fields: words("room site order size comment"),
        columns: words("room site size order comment"), renameKey: "newrackname")

    static let cloud = Resource(
        name: "cloud", noun: "cloud",
        fields: words("type comment"),
        columns: words("type comment"))

    static let route = Resource(
        name: "route", noun: "route",
        fields: words("destination gateway device metric comment"),
        columns: words("destination gateway device metric comment"), renameKey: "newname")

    static let osuser = Resource(
        name: "osuser", noun: "OS user",
        fields: words(
            """
            uidNumber gidNumber groupname memberOf cn sn givenName mail telephoneNumber loginShell homeDirectory
            shadowExpire userPassword
            """),
        columns: words("uidNumber groupname memberOf cn homeDirectory loginShell"), renameKey: "newosusername")

    static let osgroup = Resource(
        name: "osgroup", noun: "OS group", fields: words("gidNumber member"), columns: words("gidNumber member"),
        renameKey: "newosgroupname")

    static let osimagetag = Resource(
        name: "osimagetag", noun: "OS image tag", fields: [],
        columns: words("osimage kernelfile initrdfile kerneloptions"), writable: false)

    static let cluster = Resource(
        name: "cluster", noun: "cluster",
        fields: words(
            """
            name user domain_search nameserver_ip forwardserver_ip ntp_server technical_contacts provision_method
            provision_fallback debug security packing_bootpause createnode_ondemand createnode_macashost
            nextnode_discover bind_legacy dnssec_enable dnssec_validation beacon_ip syncimages
            """),
        columns: [])

    static let secret = Resource(name: "secrets", noun: "secret", fields: words("content path"), columns: [])

    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).map(String.init)
    }
}
