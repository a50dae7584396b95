import Foundation
import LunaModel
import Testing

/// list, show and member of each seeded resource, as tables and as the server's JSON.
@Suite(.serialized)
struct ReadCommandTests {
    @Test func nodeListAndShowAsTablesAndJSON() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let list = try await cli.luna(["node", "list"])
        #expect(list.exit == 0, "\(list.err)")
        #expect(
            list.lines.first?.split(separator: " ", omittingEmptySubsequences: true).prefix(3) == ["NAME", "GROUP", "OSIMAGE"])
        #expect(list.lines.dropFirst().map { String($0.prefix(7)) } == ["node001", "node002", "node003", "node004"])
        #expect(list.lines[1].contains("compute-group") && list.lines[1].contains("BOOTIF 10.141.0.1"))

        let json = try await cli.luna(["node", "list", "--json"])
        #expect(json.lines.count == 1, "compact, as the server sent it")
        let nodes = try json.json()["config"]?["node"]?.objectValue ?? [:]
        #expect(nodes.keys.sorted() == ["node001", "node002", "node003", "node004"])
        let pretty = try await cli.luna(["node", "list", "--pretty"])
        #expect(pretty.lines.count > 20)
        #expect(pretty.lines[1] == "  \"config\": {")
        #expect(try pretty.json() == json.json())

        let show = try await cli.luna(["node", "show", "node001"])
        #expect(show.exit == 0)
        #expect(show.lines.first == "name                 node001")
        #expect(show.lines.contains("group                compute-group"))
        #expect(show.lines.contains("osimage              compute-image (group)"), "inherited values name their source")
        #expect(show.out.contains("BOOTIF ipaddress=10.141.0.1 network=cluster"))
        let one = try await cli.luna(["node", "show", "node001", "--json"]).json()
        #expect(one["config"]?["node"]?["node001"]?["group"] == "compute-group")
    }

    @Test func groupsImagesBMCSetupsAndTheirMembers() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let groups = try await cli.luna(["group", "list"])
        #expect(groups.lines.count == 2)
        #expect(groups.lines[1].hasPrefix("compute-group  compute-image  default-bmcsetup"))
        #expect(try await cli.luna(["group", "show", "compute-group"]).lines.contains("bmcsetupname         default-bmcsetup"))
        let members = try await cli.luna(["group", "member", "compute-group"])
        #expect(members.lines == ["MEMBER", "node001", "node002", "node003", "node004"])
        let membersJSON = try await cli.luna(["group", "member", "compute-group", "--json"]).json()
        #expect(membersJSON["config"]?["group"]?["compute-group"]?["members"]?.arrayValue?.count == 4)

        let images = try await cli.luna(["osimage", "list"])
        #expect(images.lines[1].hasPrefix("compute-image  redhat"))
        #expect(
            try await cli.luna(["osimage", "show", "compute-image"]).lines.contains(
                "path           /trinity/images/compute-image"))
        #expect(try await cli.luna(["osimage", "member", "compute-image"]).lines.count == 5)

        let bmc = try await cli.luna(["bmcsetup", "show", "default-bmcsetup", "--json"]).json()
        #expect(bmc["config"]?["bmcsetup"]?["default-bmcsetup"]?["userid"] == .int(2))
        #expect(try await cli.luna(["bmcsetup", "list"]).lines[1].hasPrefix("default-bmcsetup  2       admin"))
        #expect(try await cli.luna(["bmcsetup", "member", "default-bmcsetup"]).lines.last == "node004")
    }

    @Test func networksAndTheirAddresses() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let list = try await cli.luna(["network", "list"])
        #expect(list.lines.map { String($0.prefix(7)) } == ["NAME   ", "cluster", "ib     ", "ipmi   "])
        #expect(list.lines[1].contains("10.141.0.0/16") && list.lines[1].contains("10.141.155.0"))
        let show = try await cli.luna(["network", "show", "cluster", "--json"]).json()
        #expect(show["config"]?["network"]?["cluster"]?["network"] == "10.141.0.0/16")

        #expect(try await cli.luna(["network", "nextip", "cluster"]).out == "10.141.0.5\n")
        let next = try await cli.luna(["network", "nextip", "cluster", "--json"]).json()
        #expect(next["config"]?["network"]?["cluster"]?["nextip"] == "10.141.0.5")
        #expect(try await cli.luna(["network", "ipinfo", "cluster", "10.141.0.1"]).out == "10.141.0.1  taken\n")
        #expect(try await cli.luna(["network", "ipinfo", "cluster", "10.141.9.9"]).out == "10.141.9.9  free\n")
        let taken = try await cli.luna(["network", "member", "ipmi"])
        #expect(
            taken.lines == [
                "IPADDRESS   DEVICE", "10.148.0.1  node001", "10.148.0.2  node002", "10.148.0.3  node003", "10.148.0.4  node004",
            ])
    }

    /// An empty list is the server's sentence, not a failure; `--json` gives its body.
    @Test func anEmptyListIsNoFailure() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let racks = try await cli.luna(["rack", "list"])
        #expect(racks.exit == 0)
        #expect(racks.out == "No rack is available\n")
        #expect(try await cli.luna(["otherdev", "list", "--json"]).json() == ["message": "No Other Device is available"])
        #expect(try await cli.luna(["secrets", "list"]).out == "No Secrets available\n")
    }

    @Test func clusterShowAndChange() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let show = try await cli.luna(["cluster", "show"])
        #expect(show.lines.first == "name                 mycluster")
        #expect(show.out.contains("controller           hostname: controller\n                     ipaddress: 10.141.255.254"))
        let change = try await cli.luna(["cluster", "change", "--ntp-server", "10.141.255.253", "--debug", "yes"])
        #expect(change.out == "cluster changed\n", "\(change.err)")
        let cluster = try await cli.luna(["cluster", "show", "--json"]).json()["config"]?["cluster"]
        #expect(cluster?["ntp_server"] == "10.141.255.253")
        #expect(cluster?["debug"] == true)
        #expect(try await cli.luna(["cluster", "change", "--ntp_server", "10.141.255.253"]).out == "No changes made\n")
        #expect(try await cli.luna(["cluster", "status"]).out.hasPrefix("cluster as seen by controller"))
    }
}

/// `luna node status`: install states reported by nodes, as a table.
@Suite(.serialized)
struct NodeStatusCommandTests {
    @Test func statesShowPerNodeWithTheirTimeAndOnlyTheNodesAsked() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        let empty = try await cli.luna(["node", "status"])
        #expect(empty.exit == 0 && empty.lines == ["NODE  STATE  STATUS  CHANGED"], "\(empty.out)\(empty.err)")
        for (node, state) in [("node001", "install.download"), ("node002", "install.success")] {
            let body = #"{"monitor":{"status":{"\#(node)":{"state":"\#(state)"}}}}"#
            #expect(try await cli.luna(["node", "list"]).exit == 0)
            let token = try String(contentsOfFile: cli.tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let post = Process()
            post.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            post.arguments = [
                "-sf", "-H", "x-access-tokens: \(token)", "-H", "Content-Type: application/json", "-d", body,
                "\(cli.url)/monitor/node/\(node)",
            ]
            try post.run()
            post.waitUntilExit()
            #expect(post.terminationStatus == 0)
        }
        let all = try await cli.luna(["node", "status"])
        #expect(all.lines.count == 3)
        #expect(all.lines[1].hasPrefix("node001  install.download") && all.lines[1].contains("200") == false)
        #expect(all.lines[2].hasPrefix("node002  install.success") && all.lines[2].contains("200"))
        #expect(all.lines[2].contains(String(Calendar.current.component(.year, from: Date()))))
        let one = try await cli.luna(["node", "status", "node00[2-3]"])
        #expect(one.lines.count == 2 && one.lines[1].hasPrefix("node002"))
        let bad = try await cli.luna(["node", "status", "node[1-"])
        #expect(bad.exit == 1 && bad.err.hasPrefix("luna: "))
    }
}
