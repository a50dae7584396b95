import Foundation
import LunaModel

/// One test's controller and CLI: a real lunad from the build folder on a free loopback
/// port, seeded from the shipped bootstrap.ini, and the `luna` binary run against it with
/// config and cache folders of its own, so no test reads or writes the user's.
final class CLIHarness: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binaries = root.appendingPathComponent(".build/debug")

    let folder: String
    let port: Int
    private let lunad = Process()

    var url: String { "http://127.0.0.1:\(port)" }
    var cacheHome: String { folder + "/cache" }
    var configHome: String { folder + "/config" }
    var tokenFile: String { cacheHome + "/luna/token-127.0.0.1_\(port)" }

    init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("luna-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        port = Self.freePort()
        lunad.executableURL = Self.binaries.appendingPathComponent("lunad")
        lunad.arguments = [
            "--config", Self.root.appendingPathComponent("Config/luna.ini").path, "--data-dir", folder + "/data",
            "--port", String(port), "--bootstrap", Self.root.appendingPathComponent("Config/bootstrap.ini").path,
        ]
        lunad.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        lunad.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try lunad.run()
        // lunad listens once the cluster is seeded: the first accepted connection means ready.
        for _ in 0..<300 {
            guard lunad.isRunning else { throw HarnessFailure(description: "lunad on port \(port) stopped at start-up") }
            if Self.accepts(port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessFailure(description: "lunad on port \(port) did not listen within 30 s")
    }

    /// Kills lunad outright: its graceful stop would hold, while the wait lasts, one of the
    /// few threads every test shares, and the data directory goes anyway.
    func stop() {
        if lunad.isRunning {
            kill(lunad.processIdentifier, SIGKILL)
            lunad.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs `luna` with LUNA_URL naming this controller (unless `environment` says
    /// otherwise) and a wide terminal, so tables are not cut unless a test asks. It waits on
    /// a thread of its own: the few threads every test shares must not block on a process.
    func luna(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.runLuna(arguments, environment: environment) }) }.start()
        }
    }

    private func runLuna(_ arguments: [String], environment: [String: String]) throws -> CLIResult {
        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LUNA_") }
        variables["XDG_CACHE_HOME"] = cacheHome
        variables["XDG_CONFIG_HOME"] = configHome
        variables["LUNA_URL"] = url
        variables["COLUMNS"] = "250"
        variables.merge(environment) { $1 }
        let process = Process()
        process.executableURL = Self.binaries.appendingPathComponent("luna")
        process.arguments = arguments
        process.environment = variables.filter { !$0.value.isEmpty }
        let out = folder + "/stdout", err = folder + "/stderr"
        for file in [out, err] { _ = FileManager.default.createFile(atPath: file, contents: nil) }
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        process.waitUntilExit()
        return CLIResult(
            exit: process.terminationStatus, out: try String(contentsOfFile: out, encoding: .utf8),
            err: try String(contentsOfFile: err, encoding: .utf8))
    }

    /// A loopback port nobody listens on right now.
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = loopback(port: port)
        return withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}

/// What one `luna` run wrote and how it ended.
struct CLIResult {
    var exit: Int32
    var out: String
    var err: String

    /// stdout as JSON (the `--json` output of one answer).
    func json() throws -> JSONValue {
        try JSONParser.parse(out.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// stdout's lines, without the last newline.
    var lines: [String] {
        Array(out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast(out.hasSuffix("\n") ? 1 : 0))
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    var description: String
}
