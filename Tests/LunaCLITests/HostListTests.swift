import Foundation
import LunaModel
import Testing

/// show, change, remove and add act on each name of a host list; a failure on one is
/// reported with its name and makes the exit status 1, the others still happen.
@Suite(.serialized)
struct HostListTests {
    @Test func eachNameOfAHostList() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let show = try await cli.luna(["node", "show", "node[001-003]", "--json"])
        #expect(show.exit == 0)
        let names = try show.lines.map { try JSONParser.parse($0)["config"]?["node"]?.objectValue?.keys.first }
        #expect(names == ["node001", "node002", "node003"])

        let change = try await cli.luna(["node", "change", "node[001-004]", "--set", "comment=row 3"])
        #expect(change.lines == (1...4).map { "node node00\($0) changed" })
        for name in ["node001", "node004"] {
            #expect(try await cli.luna(["node", "show", name]).lines.contains("comment              row 3"))
        }

        let remove = try await cli.luna(["node", "remove", "node[001-002]"])
        #expect(remove.lines == ["node node001 removed", "node node002 removed"])
        #expect(try await cli.luna(["node", "list"]).lines.dropFirst().map { String($0.prefix(7)) } == ["node003", "node004"])

        let partly = try await cli.luna(["node", "show", "node[002-004]"])
        #expect(partly.exit == 1)
        #expect(partly.err == "luna: node002: Node node002 is not available\n")
        #expect(partly.out.contains("name                 node003") && partly.out.contains("name                 node004"))

        let add = try await cli.luna(["node", "add", "node[005-006],node009", "--group", "compute-group"])
        #expect(add.exit == 0, "\(add.err)")
        #expect(add.lines.last == "Node node009 created successfully")
        #expect(try await cli.luna(["node", "list"]).lines.count == 6)

        let bad = try await cli.luna(["node", "show", "node[003-"])
        #expect(bad.exit == 1)
        #expect(bad.err == "luna: host list 'node[003-' has an unclosed '['\n")
    }
}
