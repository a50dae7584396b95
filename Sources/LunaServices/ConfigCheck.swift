import LunaModel
import Subprocess

/// A daemon's own check of a configuration file (`kea-dhcp4 -t FILE`, `named-checkconf
/// FILE`): a configuration is installed only when the tool that will run it accepts it.
public struct ConfigCheck: Sendable {
    public let tool: String
    public let arguments: [String]
    public let timeout: Duration

    public init(tool: String, arguments: [String], timeout: Duration = .seconds(30)) {
        self.tool = tool
        self.arguments = arguments
        self.timeout = timeout
    }

    /// Runs the check on `file`; throws the tool's own complaint, with the file named.
    public func run(on file: String) async throws(LunaError) {
        let tool = self.tool
        let arguments = self.arguments + [file]
        let timeout = self.timeout
        let outcome: Result<(TerminationStatus, String), any Error>? = await withTaskGroup(
            of: Result<(TerminationStatus, String), any Error>?.self
        ) { group in
            group.addTask {
                do {
                    let result = try await Subprocess.run(
                        .name(tool), arguments: Arguments(arguments), output: .string(limit: 1 << 16),
                        error: .string(limit: 1 << 16))
                    return .success((result.terminationStatus, result.standardOutput + result.standardError))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case nil:
            throw LunaError(.unavailable, "\(tool) did not finish checking \(file) within \(timeout)")
        case .failure(let error)?:
            throw LunaError(.unavailable, "\(tool) could not be run to check \(file): \(error)")
        case .success((.exited(0), _))?:
            return
        case .success((let status, let output))?:
            let lines = output.split(separator: "\n").suffix(5).joined(separator: " | ")
            throw LunaError(.invalid, "\(tool) refused \(file) (\(status)): \(lines)")
        }
    }
}
