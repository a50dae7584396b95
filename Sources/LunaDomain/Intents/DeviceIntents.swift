import LunaModel

/// BMC setups (credential profiles), switches and other devices (PDUs, storage…).
enum DeviceIntents {
    static let bmcsetup = SimpleObject(
        intentPrefix: "BMCSetup", table: .bmcsetup,
        schema: FieldSchema(
            kind: "bmcsetup",
            fields: [
                "userid": .number(1...255), "username": .text, "password": .secret, "netchannel": .number(0...15),
                "mgmtchannel": .number(0...15), "comment": .text, "unmanaged_bmc_users": .choice(["disable", "delete"]),
                // How the controllers drive the BMC: the control plugin (ipmitool when unset,
                // or redfish), and for Redfish its login and whether its certificate is checked.
                "protocol": .name(.object), "authmode": .choice(["session", "basic"]), "verifycert": .bool,
            ]),
        renameKey: "newbmcname", label: "BMC Setup",
        users: { name, state in
            let groups = state.rows(.group).filter { $0.value["bmcsetupname"] == .string(name) }.keys.sorted()
            let nodes = state.rows(.node).filter { $0.value["bmcsetup"] == .string(name) }.keys.sorted()
            return groups.map { "group \($0)" } + nodes
        },
        referrers: [(.group, "bmcsetupname"), (.node, "bmcsetup")],
        // Version 2: protocol, authmode and verifycert.
        updateVersion: 2)

    static let `switch` = SimpleObject(
        intentPrefix: "Switch", table: .switch,
        schema: FieldSchema(
            kind: "switch",
            fields: [
                "macaddress": .mac, "oid": .text, "read": .text, "rw": .text, "uplinkports": .text,
                "vendor": .text, "comment": .text, "network": .reference(.network), "ipaddress": .address,
                // Zero-touch provisioning of the switch itself (luna2's /boot/switch).
                "netboot": .bool, "default_url": .text, "bootfile": .text, "ztpconfig": .text, "ztpformat": .text,
                // SNMP v3 for the port scan, used instead of the read community when snmp_user is set.
                "snmp_user": .text, "snmp_authprotocol": .choice(["MD5", "SHA", "SHA-256", "SHA-512"]),
                "snmp_authpassword": .secret, "snmp_privprotocol": .choice(["DES", "AES"]), "snmp_privpassword": .secret,
                "snmp_context": .text,
            ]),
        renameKey: "newswitchname", label: "Switch",
        users: { name, state in state.rows(.node).filter { $0.value["switch"] == .string(name) }.keys.sorted() },
        referrers: [(.node, "switch")], hasAddress: true,
        // Version 2: the snmp_ fields.
        updateVersion: 2)

    static let otherdev = SimpleObject(
        intentPrefix: "OtherDev", table: .otherdev,
        schema: FieldSchema(
            kind: "otherdev",
            fields: [
                "macaddress": .mac, "vendor": .text, "comment": .text, "network": .reference(.network),
                "ipaddress": .address,
            ]),
        renameKey: "newotherdevname", label: "Device", hasAddress: true)

    /// Cloud targets a node may belong to (luna2's cloud bursting); nodes name them.
    static let cloud = SimpleObject(
        intentPrefix: "Cloud", table: .cloud,
        schema: FieldSchema(kind: "cloud", fields: ["type": .name(.object), "comment": .text]),
        renameKey: "newcloudname", label: "Cloud",
        users: { name, state in state.rows(.node).filter { $0.value["cloud"] == .string(name) }.keys.sorted() },
        referrers: [(.node, "cloud")], cloneable: false)

    static let all: [IntentHandler] = bmcsetup.handlers + `switch`.handlers + otherdev.handlers + cloud.handlers
}
