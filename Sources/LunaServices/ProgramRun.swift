import LunaModel
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// One run of a program with its arguments (never a shell string) and a time limit: the
/// daemons' checkers, reloads and controls, `ip`, `arping`, `ping`.
public struct ProgramRun: Sendable {
    public let argv: [String]
    public let timeout: Duration
    /// The program's whole environment; nil inherits this process's. Secrets handed to a
    /// program go here, never into `argv`, which `ps` shows to every user.
    public let environment: [String: String]?

    public init(_ argv: [String], timeout: Duration = .seconds(30), environment: [String: String]? = nil) {
        self.argv = argv
        self.timeout = timeout
        self.environment = environment
    }

    public struct Finished: Sendable {
        public var status: TerminationStatus
        /// Standard output and standard error, in that order.
        public var output: String

        public var succeeded: Bool {
            if case .exited(0) = status { return true }
            return false
        }

        /// The last lines of the output on one line, for a sentence.
        public var tail: String {
            output.split(separator: "\n").suffix(5).joined(separator: " | ")
        }
    }

    /// The program's end; throws when it cannot be started or outlives its time limit.
    public func run() async throws(LunaError) -> Finished {
        guard let program = argv.first else { throw LunaError(.invalid, "no program was given to run") }
        let arguments = Array(argv.dropFirst())
        let timeout = self.timeout
        let environment: Environment =
            self.environment.map { values in
                .custom(Dictionary(uniqueKeysWithValues: values.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
            } ?? .inherit
        let outcome: Result<Finished, any Error>? = await withTaskGroup(of: Result<Finished, any Error>?.self) { group in
            group.addTask {
                do {
                    // A name is looked up in PATH; anything with a slash is a path to run as is.
                    let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
                    let result = try await Subprocess.run(
                        executable, arguments: Arguments(arguments), environment: environment, output: .string(limit: 1 << 16),
                        error: .string(limit: 1 << 16))
                    return .success(
                        Finished(
                            status: result.terminationStatus,
                            output: result.standardOutput + result.standardError))
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
        case nil: throw LunaError(.unavailable, "\(program) did not finish within \(timeout)")
        case .failure(let error)?: throw LunaError(.unavailable, "\(program) could not be run: \(error)")
        case .success(let finished)?: return finished
        }
    }
}
