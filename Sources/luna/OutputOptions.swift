import ArgumentParser
import LunaModel

/// Tables for people, or the server's JSON for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print the server's JSON unchanged.")
    var json = false

    @Flag(help: "Print the server's JSON indented (implies --json).")
    var pretty = false

    /// Prints a successful answer: its body as sent, indented, or as `table` lays it out.
    func emit(_ response: APIResponse, table: (JSONValue) throws -> TextTable) throws {
        let value = try response.object()
        if pretty {
            print(value.prettyText)
        } else if json {
            print(response.text)
        } else {
            print(try table(value).render(width: TerminalWidth.current()))
        }
    }

    /// Prints a list. luna2 answers an empty one with 404 and a sentence ("No nodes
    /// available"): nothing to list is no failure. A 404 without a sentence is: the route
    /// is missing.
    func emitList(_ response: APIResponse, table: (JSONValue) throws -> TextTable) throws {
        if response.status == 404, response.json?["message"] != nil {
            try emit(response) { _ in TextTable(header: nil, rows: [[response.sentence]], overflow: .wrap) }
        } else {
            try emit(response.expect(200), table: table)
        }
    }
}
