import LunaModel

/// A daemon's own check of a configuration file (`kea-dhcp4 -t FILE`, `named-checkconf
/// FILE`): a configuration is installed only when the tool that will run it accepts it.
public struct ConfigCheck: Sendable {
    public let tool: String
    public let arguments: [String]
    public let timeout: Duration

    /// The limit only catches a hung tool: on a loaded machine (a test run on two cores) a
    /// check that takes a second alone took over 30 s.
    public init(tool: String, arguments: [String], timeout: Duration = .seconds(120)) {
        self.tool = tool
        self.arguments = arguments
        self.timeout = timeout
    }

    /// Runs the check on `file`; throws the tool's own complaint, with the file named.
    public func run(on file: String) async throws(LunaError) {
        let finished: ProgramRun.Finished
        do {
            finished = try await ProgramRun([tool] + arguments + [file], timeout: timeout).run()
        } catch {
            throw LunaError(.unavailable, "checking \(file): \(error.message)")
        }
        guard finished.succeeded else {
            throw LunaError(.invalid, "\(tool) refused \(file) (\(finished.status)): \(finished.tail)")
        }
    }
}
