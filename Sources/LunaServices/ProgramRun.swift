import LunaModel
import Subprocess

#if canImport(Glibc)
    import Glibc
#endif

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
        /// Standard output and standard error, in that order (the last 64 KiB of each).
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

    /// The program's end; throws when it cannot be started or outlives its time limit. When
    /// the time is up the program is killed, and the run is judged by how it ended: one that
    /// exited before the kill landed finished, however late this task saw it.
    public func run() async throws(LunaError) -> Finished {
        guard let program = argv.first else { throw LunaError(.invalid, "no program was given to run") }
        let timeout = self.timeout
        let environment: Environment =
            self.environment.map { values in
                .custom(Dictionary(uniqueKeysWithValues: values.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
            } ?? .inherit
        // A name is looked up in PATH; anything with a slash is a path to run as is.
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        // Its own process group, so that a kill reaches what it started too, and nothing
        // left behind holds its output open.
        var options = PlatformOptions()
        options.processGroupID = 0
        let result: ExecutionResult<Ending, SequenceOutput, SequenceOutput>
        do {
            result = try await Subprocess.run(
                executable, arguments: Arguments(Array(argv.dropFirst())), environment: environment,
                platformOptions: options, input: .none, output: .sequence, error: .sequence
            ) { execution in
                try await Self.watch(execution, for: timeout)
            }
        } catch {
            throw LunaError(.unavailable, "\(program) could not be run: \(error)")
        }
        let ending = result.closureResult
        if ending.killed, case .signaled(SIGKILL) = result.terminationStatus {
            throw LunaError(.unavailable, "\(program) did not finish within \(timeout)")
        }
        return Finished(status: result.terminationStatus, output: ending.output + ending.error)
    }

    /// What the watch saw: both outputs, and whether it killed the program.
    struct Ending {
        var output = ""
        var error = ""
        var killed = false
    }

    private enum Event: Sendable {
        case output(String), error(String), timeUp
    }

    /// Reads both outputs to their end while a timer runs; when the timer wins, the program
    /// and all it started are killed, and the outputs are still read to their end.
    private static func watch(
        _ execution: Execution<NoInput, SequenceOutput, SequenceOutput>, for timeout: Duration
    ) async throws -> Ending {
        try await withThrowingTaskGroup(of: Event.self) { group in
            group.addTask { .output(try await collect(execution.standardOutput)) }
            group.addTask { .error(try await collect(execution.standardError)) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return .timeUp
            }
            var ending = Ending()
            var streamsOpen = 2
            while streamsOpen > 0, let event = try await group.next() {
                switch event {
                case .output(let text):
                    ending.output = text
                    streamsOpen -= 1
                case .error(let text):
                    ending.error = text
                    streamsOpen -= 1
                case .timeUp:
                    ending.killed = true
                    try? execution.send(signal: .kill, toProcessGroup: true)
                }
            }
            group.cancelAll()
            return ending
        }
    }

    /// A stream read to its end, keeping its last 64 KiB: the end says why a program failed.
    private static func collect(_ stream: SubprocessOutputSequence) async throws -> String {
        let limit = 1 << 16
        var kept: [UInt8] = []
        for try await buffer in stream {
            buffer.withUnsafeBytes { kept.append(contentsOf: $0) }
            if kept.count > 2 * limit { kept.removeFirst(kept.count - limit) }
        }
        return String(decoding: kept.suffix(limit), as: UTF8.self)
    }
}
