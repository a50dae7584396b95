import LunaModel
import LunaRuntime
import Testing

/// What the switch scan hands net-snmp and how it reads the walk, without a switch.
struct SwitchScanTests {
    @Test func aWalkIsReadAsMACAndPortWithoutTheUplinksOrTheEndOfTheView() {
        let output = """
            .1.3.6.1.2.1.17.7.1.2.2.1.2.1.82.84.0.170.187.1 7
            .1.3.6.1.2.1.17.7.1.2.2.1.2.10.82.84.0.170.187.2 48
            .1.3.6.1.2.1.17.7.1.2.2.1.2.1.0.1.2.3.4.5 12
            .1.3.6.1.2.1.17.7.1.2.2.1.2.1.0.1.2.3.4.5 No more variables left in this MIB View
            .1.3.6.1.2.1.99.1 5
            """
        let ports = SwitchPortScanner.parse(output, oid: ".1.3.6.1.2.1.17.7.1.2.2.1.2", uplinks: ["48"])
        #expect(ports == ["52:54:00:aa:bb:01": "7", "00:01:02:03:04:05": "12"])
        // BRIDGE-MIB: the index is the MAC alone.
        let bridge = SwitchPortScanner.parse(
            ".1.3.6.1.2.1.17.4.3.1.2.82.84.0.1.2.3 9", oid: "1.3.6.1.2.1.17.4.3.1.2", uplinks: [])
        #expect(bridge == ["52:54:00:01:02:03": "9"])
    }

    @Test func v2cTakesTheReadCommunityAndV3TheUserWithoutAnythingOnTheCommandLine() throws {
        let open: (JSONValue) -> String? = { $0.stringValue.map { "open:" + $0 } }
        #expect(
            try SwitchPortScanner.settings(["read": "s3cret"], unseal: open) == "mibs :\ndefVersion 2c\ndefCommunity s3cret\n")
        let v3 = try SwitchPortScanner.settings(
            [
                "snmp_user": "scan", "snmp_authprotocol": "SHA", "snmp_authpassword": "a", "snmp_privprotocol": "AES",
                "snmp_privpassword": "p", "snmp_context": "vlan-1",
            ], unseal: open)
        #expect(
            v3
                == "mibs :\ndefVersion 3\ndefSecurityName scan\ndefContext vlan-1\ndefAuthType SHA\ndefAuthPassphrase open:a\n"
                + "defPrivType AES\ndefPrivPassphrase open:p\ndefSecurityLevel authPriv\n")
        let authOnly = try SwitchPortScanner.settings(["snmp_user": "scan", "snmp_authpassword": "a"], unseal: open)
        #expect(authOnly.hasSuffix("defSecurityLevel authNoPriv\n"))
        #expect(throws: LunaError.self) { try SwitchPortScanner.settings(["read": "two words"], unseal: open) }
    }
}
