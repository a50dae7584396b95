import Foundation
import Testing

/// A failure is exit status 1 and one line on stderr: the server's sentence unchanged
/// after `luna: `, or the CLI's own when the request never left.
@Suite(.serialized)
struct FailureTests {
    @Test func theServersSentenceUnchanged() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let missing = try await cli.luna(["node", "show", "node009"])
        #expect(missing.exit == 1)
        #expect(missing.out.isEmpty)
        #expect(missing.err == "luna: Node node009 is not available\n")
        #expect(
            try await cli.luna(["node", "change", "node009", "--comment", "x"]).err == "luna: Node node009 is not available\n")
        #expect(try await cli.luna(["node", "remove", "node009"]).err == "luna: Node node009 not present in database\n")
        #expect(try await cli.luna(["group", "show", "nogroup", "--json"]).err == "luna: No group nogroup available\n")

        let field = try await cli.luna(["node", "change", "node001", "--set", "colour=red"])
        #expect(field.exit == 1)
        #expect(field.err == "luna: Invalid request: Columns are incorrect: node has no field 'colour'\n")
        let group = try await cli.luna(["node", "add", "node010", "--group", "nogroup"])
        #expect(group.exit == 1)
        #expect(group.err.hasPrefix("luna: Invalid request: group nogroup"), "\(group.err)")
        #expect(try await cli.luna(["node", "show", "node010"]).exit == 1, "nothing was created")
    }

    @Test func theCLIsOwnRefusals() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let unknown = try await cli.luna(["node", "change", "node001", "--colour", "red"])
        #expect(unknown.exit == 1)
        #expect(unknown.err.hasPrefix("luna: node has no field 'colour' (fields: group, osimage, "))
        #expect(unknown.err.hasSuffix("; --set colour=VALUE sends it anyway\n"))
        #expect(
            try await cli.luna(["node", "change", "node001", "--netboot", "maybe"]).err
                == "luna: netboot takes yes or no (or true or false), not 'maybe'\n")
        #expect(
            try await cli.luna(["node", "change", "node001"]).err
                == "luna: nothing to change: give --FIELD VALUE or --set FIELD=VALUE\n")
        #expect(try await cli.luna(["node", "change", "node001", "--comment"]).err == "luna: --comment needs a value\n")
        #expect(
            try await cli.luna(["node", "change", "node001", "--set", "comment"]).err
                == "luna: --set takes field=value, not 'comment'\n")
        #expect(
            try await cli.luna(["node", "clone", "node001", "--comment", "x"]).err
                == "luna: expected NAME NEW before the fields, got 'node001'\n")
        // The name may come after the fields.
        #expect(try await cli.luna(["node", "change", "--comment", "late", "node001"]).exit == 0)
    }

    @Test func aDeadPortIsNamed() async throws {
        let port = CLIHarness.freePort()
        let cli = try await CLIHarness()
        defer { cli.stop() }

        let dead = try await cli.luna(["node", "list", "--url", "http://127.0.0.1:\(port)"])
        #expect(dead.exit == 1)
        #expect(dead.err == "luna: cannot reach http://127.0.0.1:\(port): connection refused (is lunad running there?)\n")
        let bad = try await cli.luna(["node", "list", "--url", "127.0.0.1:7050"])
        #expect(bad.err == "luna: the API URL '127.0.0.1:7050' is not an http:// or https:// URL with a host\n")
    }
}
