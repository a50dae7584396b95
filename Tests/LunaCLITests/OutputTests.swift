import Foundation
import Testing

/// Tables fit the terminal; shell completion knows the commands.
@Suite(.serialized)
struct OutputTests {
    @Test func tablesFitTheWidthTheyAreGiven() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        let comment = "a long comment about the rack position and the power feed of this node, which goes on"
        #expect(try await cli.luna(["node", "change", "node002", "--comment", comment]).exit == 0)

        let list = try await cli.luna(["node", "list"], environment: ["COLUMNS": "60"])
        #expect(list.lines.count == 5)
        #expect(list.lines.allSatisfy { $0.count <= 60 }, "\(list.out)")
        #expect(list.lines[2].hasPrefix("node002  ") && list.lines[2].hasSuffix("…"), "a list cuts long cells")

        let show = try await cli.luna(["node", "show", "node002"], environment: ["COLUMNS": "60"])
        #expect(show.lines.allSatisfy { $0.count <= 60 }, "\(show.out)")
        let start = try #require(show.lines.firstIndex { $0.hasPrefix("comment ") })
        let wrapped = show.lines[start...].prefix { $0 == show.lines[start] || $0.hasPrefix("     ") }
        #expect(wrapped.count > 1, "a detail view wraps long values")
        #expect(wrapped.map { $0.dropFirst(21) }.joined(separator: " ") == comment)

        // Not a terminal and no COLUMNS: whole lines, for grep.
        let piped = try await cli.luna(["node", "list"], environment: ["COLUMNS": ""])
        #expect(piped.out.contains(comment))
    }

    @Test func completionScriptsNameTheResourceCommands() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        for shell in ["bash", "zsh", "fish"] {
            let script = try await cli.luna(["--generate-completion-script", shell])
            #expect(script.exit == 0, "\(shell): \(script.err)")
            for word in [
                "node", "group", "network", "osimage", "bmcsetup", "otherdev", "osimagetag", "secrets", "interface", "nextip",
            ] {
                #expect(script.out.contains(word), "\(shell) completion lacks \(word)")
            }
        }
    }
}
