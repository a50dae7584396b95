import Foundation
import LunaModel
import Testing

/// Node and group interfaces, and node and group secrets.
@Suite(.serialized)
struct InterfaceAndSecretTests {
    @Test func nodeAndGroupInterfaces() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let list = try await cli.luna(["node", "interfaces", "node001"])
        #expect(
            list.lines == ["INTERFACE  NETWORK  IPADDRESS", "BMC        ipmi     10.148.0.1", "BOOTIF     cluster  10.141.0.1"])
        let add = try await cli.luna(["node", "interface", "change", "node[001-002]", "IB", "--network", "ib"])
        #expect(add.lines == ["node node001 interface IB changed", "node node002 interface IB changed"], "\(add.err)")
        let change = try await cli.luna([
            "node", "interface", "change", "node001", "BOOTIF", "--macaddress", "52:54:00:aa:00:01", "--options", "mtu 9000",
        ])
        #expect(change.exit == 0, "\(change.err)")
        let bootif = try await cli.luna(["node", "interface", "show", "node001", "BOOTIF"])
        #expect(bootif.lines.contains("macaddress  52:54:00:aa:00:01"))
        #expect(bootif.lines.contains("options     mtu 9000"), "base64 on the wire, text on screen")
        let json = try await cli.luna(["node", "interface", "show", "node001", "BOOTIF", "--json"]).json()
        #expect(json["config"]?["node"]?["node001"]?["interfaces"]?[0]?["options"] == "bXR1IDkwMDA=")
        #expect(
            try await cli.luna(["node", "interfaces", "node002", "--json"]).json()["config"]?["node"]?["node002"]?["interfaces"]?
                .arrayValue?.count == 3)

        #expect(
            try await cli.luna(["node", "interface", "remove", "node002", "IB"]).out == "node node002 interface IB removed\n")
        #expect(try await cli.luna(["node", "interfaces", "node002"]).lines.count == 3)
        let missing = try await cli.luna(["node", "interface", "show", "node002", "IB"])
        #expect(missing.exit == 1)
        #expect(missing.err == "luna: Node node002 does not have IB interface\n")

        #expect(
            try await cli.luna(["group", "interfaces", "compute-group"]).lines == [
                "INTERFACE  NETWORK", "BMC        ipmi", "BOOTIF     cluster",
            ])
        #expect(
            try await cli.luna(["group", "interface", "change", "compute-group", "IB", "--network", "ib", "--mtu", "2044"]).exit
                == 0)
        #expect(try await cli.luna(["group", "interface", "show", "compute-group", "IB"]).lines.contains("mtu        2044"))
        #expect(try await cli.luna(["group", "interface", "remove", "compute-group", "IB"]).exit == 0)
        #expect(try await cli.luna(["group", "interfaces", "compute-group"]).lines.count == 3)
    }

    @Test func nodeAndGroupSecrets() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let add = try await cli.luna([
            "secrets", "add", "node", "node001", "sshkey", "--content", "line one\nline two", "--path", "/etc/key",
        ])
        #expect(add.out == "Node node001 Secret created\n", "\(add.err)")
        #expect(
            try await cli.luna(["secrets", "add", "group", "compute-group", "motd", "--content", "hello", "--path", "/etc/motd"])
                .exit
                == 0)
        let again = try await cli.luna(["secrets", "add", "node", "node001", "sshkey", "--content", "x", "--path", "/x"])
        #expect(again.err == "luna: node node001 has a secret sshkey already: luna secrets change changes it\n")

        let list = try await cli.luna(["secrets", "list"])
        #expect(
            list.lines == [
                "OWNER  NAME           SECRET  PATH       CONTENT", "group  compute-group  motd    /etc/motd  hello",
                "node   node001        sshkey  /etc/key   line one line two",
            ])
        let node = try await cli.luna(["secrets", "list", "node", "node001", "--json"]).json()["config"]?["secrets"]
        #expect(node?["node"]?["node001"]?[0]?["content"] == .string(Data("line one\nline two".utf8).base64EncodedString()))
        #expect(node?["group"]?["compute-group"]?[0]?["name"] == "motd", "a node's list holds its group's secrets")
        let show = try await cli.luna(["secrets", "show", "node", "node001", "sshkey"])
        #expect(show.lines == ["name     sshkey", "path     /etc/key", "content  line one", "         line two"])

        #expect(try await cli.luna(["secrets", "change", "node", "node001", "sshkey", "--path", "/etc/key2"]).exit == 0)
        #expect(try await cli.luna(["secrets", "clone", "node", "node001", "sshkey", "sshkey2"]).exit == 0)
        #expect(
            try await cli.luna(["secrets", "remove", "node", "node001", "sshkey"]).out
                == "secret sshkey of node node001 removed\n")
        let copy = try await cli.luna(["secrets", "show", "node", "node001", "sshkey2", "--json"]).json()
        #expect(copy["config"]?["secrets"]?["node"]?["node001"]?[0]?["path"] == "/etc/key2")
        let gone = try await cli.luna(["secrets", "show", "node", "node001", "sshkey"])
        #expect(gone.err == "luna: Secret sshkey is unavailable for node node001\n")
    }
}
