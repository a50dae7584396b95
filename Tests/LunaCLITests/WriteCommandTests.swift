import Foundation
import LunaModel
import Testing

/// add, change, rename, clone and remove, each checked by the show that follows.
@Suite(.serialized)
struct WriteCommandTests {
    @Test func nodeAddRenameCloneRemove() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let add = try await cli.luna([
            "node", "add", "node010", "--group", "compute-group", "--comment", "it's rack 7", "--netboot", "no",
        ])
        #expect(add.exit == 0, "\(add.err)")
        #expect(add.out == "Node node010 created successfully\n")
        let node = try await cli.luna(["node", "show", "node010", "--json"]).json()["config"]?["node"]?["node010"]
        #expect(node?["comment"] == "aXQncyByYWNrIDc=", "base64 of it's rack 7: the quote survives")
        #expect(node?["netboot"] == "False")
        #expect(try await cli.luna(["node", "show", "node010"]).lines.contains("comment              it's rack 7"))

        let again = try await cli.luna(["node", "add", "node010", "--group", "compute-group"])
        #expect(again.exit == 1)
        #expect(again.err == "luna: node node010 exists already: luna node change node010 changes it\n")

        #expect(try await cli.luna(["node", "rename", "node010", "node011"]).out == "node node010 renamed to node011\n")
        #expect(try await cli.luna(["node", "show", "node010"]).err == "luna: Node node010 is not available\n")
        #expect(try await cli.luna(["node", "show", "node011"]).exit == 0)

        let clone = try await cli.luna(["node", "clone", "node011", "node012", "--comment", "copy"])
        #expect(clone.out == "Node node012 created successfully\n", "\(clone.err)")
        let copy = try await cli.luna(["node", "show", "node012"])
        #expect(copy.lines.contains("comment              copy"))
        #expect(copy.lines.contains("group                compute-group"))

        #expect(try await cli.luna(["node", "remove", "node012"]).out == "node node012 removed\n")
        let gone = try await cli.luna(["node", "show", "node012"])
        #expect(gone.exit == 1)
        #expect(gone.err == "luna: Node node012 is not available\n")
    }

    @Test func groupCloneRenameRemoveAndNetworkAddChange() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        #expect(
            try await cli.luna(["group", "clone", "compute-group", "gpu-group", "--comment", "gpus"]).out
                == "Group compute-group cloned as gpu-group successfully\n")
        #expect(try await cli.luna(["group", "rename", "gpu-group", "gpu"]).exit == 0)
        let gpu = try await cli.luna(["group", "show", "gpu"])
        #expect(gpu.lines.contains("comment              gpus"))
        #expect(gpu.lines.contains("osimage              compute-image"))
        #expect(try await cli.luna(["group", "show", "gpu-group"]).exit == 1)
        #expect(try await cli.luna(["group", "remove", "gpu"]).out == "group gpu removed\n")
        #expect(try await cli.luna(["group", "list"]).lines.count == 2)

        #expect(
            try await cli.luna(["network", "add", "net5", "--network", "10.150.0.0/16", "--type", "ethernet"]).out
                == "Network net5 created successfully\n")
        let change = try await cli.luna([
            "network", "change", "net5", "--gateway", "10.150.255.254", "--dhcp", "yes", "--dhcp-range-begin", "10.150.1.0",
            "--dhcp_range_end=10.150.2.0",
        ])
        #expect(change.out == "network net5 changed\n", "\(change.err)")
        let net5 = try await cli.luna(["network", "show", "net5", "--json"]).json()["config"]?["network"]?["net5"]
        #expect(net5?["gateway"] == "10.150.255.254")
        #expect(net5?["dhcp_range_end"] == "10.150.2.0")
        #expect(try await cli.luna(["network", "rename", "net5", "net6"]).exit == 0)
        let net6 = try await cli.luna(["network", "show", "net6"]).lines.first ?? ""
        #expect(net6.hasPrefix("name ") && net6.hasSuffix(" net6"))
        #expect(try await cli.luna(["network", "remove", "net6"]).exit == 0)
        #expect(try await cli.luna(["network", "show", "net6"]).err == "luna: Network net6 is not available\n")
    }

    @Test func devicesRacksAndBMCSetups() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let add = try await cli.luna([
            "switch", "add", "sw1", "--network", "ipmi", "--ipaddress", "10.148.1.1", "--macaddress", "52:54:00:00:00:01",
        ])
        #expect(add.out == "Switch sw1 created successfully\n", "\(add.err)")
        #expect(try await cli.luna(["switch", "rename", "sw1", "sw2"]).exit == 0)
        #expect(try await cli.luna(["switch", "clone", "sw2", "sw3", "--ipaddress", "10.148.1.3"]).exit == 0)
        let switches = try await cli.luna(["switch", "list"])
        #expect(
            switches.lines == [
                "NAME  NETWORK  IPADDRESS   MACADDRESS", "sw2   ipmi     10.148.1.1  52:54:00:00:00:01",
                "sw3   ipmi     10.148.1.3",
            ])
        #expect(try await cli.luna(["switch", "remove", "sw3"]).exit == 0)
        #expect(try await cli.luna(["switch", "show", "sw3"]).exit == 1)

        #expect(try await cli.luna(["otherdev", "add", "pdu1", "--network", "ipmi", "--vendor", "apc"]).exit == 0)
        let pdu = try await cli.luna(["otherdev", "show", "pdu1", "--json"]).json()["config"]?["otherdev"]?["pdu1"]
        #expect(pdu?["vendor"] == "apc")
        #expect(pdu?["ipaddress"] == "10.148.0.5", "the network's next free address")

        #expect(try await cli.luna(["rack", "add", "r1", "--room", "a", "--size", "42"]).exit == 0)
        #expect(try await cli.luna(["rack", "show", "r1"]).lines == ["name  r1", "room  a", "size  42"])

        // As in luna2-cli, a BMC setup's --username and --password are its own fields.
        let bmc = try await cli.luna(["bmcsetup", "add", "bmc2", "--userid", "3", "--username", "root", "--password", "secret"])
        #expect(bmc.exit == 0, "\(bmc.err)")
        #expect(try await cli.luna(["bmcsetup", "clone", "bmc2", "bmc3", "--password", "other"]).exit == 0)
        let copy = try await cli.luna(["bmcsetup", "show", "bmc3", "--json"]).json()["config"]?["bmcsetup"]?["bmc3"]
        #expect(copy?["username"] == "root")
        #expect(copy?["password"] == "other")
        #expect(copy?["userid"] == .int(3))
    }

    @Test func osimageTags() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        #expect(try await cli.luna(["osimage", "tag", "compute-image", "v1"]).out == "OS image compute-image tagged v1\n")
        let tags = try await cli.luna(["osimagetag", "list"])
        #expect(tags.lines.first?.hasPrefix("NAME  OSIMAGE") == true)
        #expect(tags.lines.dropFirst().first?.hasPrefix("v1    compute-image") == true)
        // As in luna2, `show` takes the image and lists its tags by tag name.
        #expect(
            try await cli.luna(["osimagetag", "show", "compute-image", "--json"]).json()["config"]?["osimagetag"]?["v1"]?[
                "osimage"]
                == "compute-image")
        #expect(try await cli.luna(["osimage", "show", "compute-image"]).lines.contains("assigned_tags  v1"))
        #expect(try await cli.luna(["osimage", "untag", "compute-image", "v1"]).out == "OS image compute-image untagged v1\n")
        #expect(try await cli.luna(["osimagetag", "list"]).out == "No osimagetag is available\n")
    }

    @Test func dnsRecordsRoutesAndOSAccounts() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        #expect(
            try await cli.luna(["network", "dns", "set", "cluster", "nas", "10.141.250.1"]).out
                == "DNS entries added or changed\n")
        #expect(try await cli.luna(["network", "dns", "list", "cluster"]).lines.last?.hasPrefix("nas   10.141.250.1") == true)
        #expect(try await cli.luna(["network", "dns", "remove", "cluster", "nas"]).exit == 0)

        #expect(
            try await cli.luna(["route", "add", "storage", "--destination", "10.200.0.0/16", "--gateway", "10.141.255.254"]).exit
                == 0)
        let coupled = try await cli.luna(["route", "couple", "storage", "group", "compute-group"])
        #expect(coupled.out == "Route storage coupled to group compute-group\n", "\(coupled.err)")
        #expect(
            try await cli.luna(["route", "show", "storage", "--json"]).json()["config"]?["route"]?["storage"]?["assigned"]
                == "group/compute-group")
        #expect(try await cli.luna(["route", "decouple", "storage", "group", "compute-group"]).exit == 0)

        #expect(try await cli.luna(["osgroup", "add", "hpc"]).exit == 0)
        #expect(try await cli.luna(["osuser", "add", "alice", "--groupname", "hpc", "--memberOf", "hpc"]).exit == 0)
        let alice = try await cli.luna(["osuser", "show", "alice", "--json"]).json()["config"]?["osuser"]?["alice"]
        #expect(alice?["uidNumber"] == 1000)
        #expect(try await cli.luna(["osgroup", "remove", "hpc"]).exit == 1, "in use by alice")
    }
}
