import AsyncHTTPClient
import Foundation
import LunaModel
import NIOCore
import NIOHTTP1
import Synchronization

/// A real `lunad` started from the build folder on a loopback port of its own, with its
/// own data directory; stopped (or killed) by the test that started it.
final class LunadProcess: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var binaries: URL { root.appendingPathComponent(".build/debug") }

    let dataDirectory: String
    let port: Int
    private(set) var process: Process?
    private var pipe: Pipe?
    private(set) var output = ""
    /// Tests post from many tasks at once: an unguarded token raced and crashed the process.
    private let token = Mutex<String?>(nil)

    /// How it is reached: plain HTTP on loopback unless a test serves HTTPS.
    var baseURL = "http://127.0.0.1"
    var client = HTTPClient.shared

    /// The luna.ini it runs with: the shipped one unless a test writes its own.
    var config = LunadProcess.root.appendingPathComponent("Config/luna.ini").path

    /// Variables set for it on top of the test's own environment.
    var environment: [String: String] = [:]

    init(dataDirectory: String, port: Int = LunadProcess.freePort()) {
        self.dataDirectory = dataDirectory
        self.port = port
    }

    /// Starts lunad on the shipped luna.ini; waits until it answers, or returns its
    /// exit status and output if it stopped first.
    @discardableResult
    func start(extraArguments: [String] = [], bootstrap: Bool = true) async throws -> (exit: Int32, output: String)? {
        var arguments = [
            "--config", config, "--data-dir", dataDirectory, "--port",
            String(port),
        ]
        if !bootstrap { arguments += ["--bootstrap", "/nonexistent/bootstrap.ini"] }
        let process = Process()
        process.executableURL = Self.binaries.appendingPathComponent("lunad")
        process.arguments = arguments + extraArguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        self.process = process
        self.pipe = pipe
        for _ in 0..<300 {
            if !process.isRunning {
                let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                return (process.terminationStatus, text)
            }
            if (try? await send(.GET, "/version", body: nil, authenticated: false, timeout: .seconds(1)))?.status == 200 {
                return nil
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ProcessFailure(description: "lunad on port \(port) did not answer within 30 s")
    }

    /// SIGKILL (a crash) or SIGTERM (a stop), then waits for the process to end.
    func stop(signal: Int32 = SIGTERM) {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    /// Stops it with `signal` and returns its exit status and everything it printed.
    func stopCollectingOutput(signal: Int32 = SIGTERM) -> (exit: Int32, output: String) {
        guard let process, let pipe else { return (-1, "") }
        if process.isRunning { kill(process.processIdentifier, signal) }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    struct Reply {
        var status: Int
        var body: JSONValue?
        var text = ""
    }

    func get(_ path: String, authenticated: Bool = true, timeout: TimeAmount = .seconds(5)) async throws -> Reply {
        try await send(.GET, path, body: nil, authenticated: authenticated, timeout: timeout)
    }

    func post(_ path: String, _ body: JSONValue) async throws -> Reply {
        try await send(.POST, path, body: body, authenticated: true)
    }

    /// A refused connection is retried until the timeout: keep it short where lunad may be down.
    private func send(
        _ method: HTTPMethod, _ path: String, body: JSONValue?, authenticated: Bool, timeout: TimeAmount = .seconds(5)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "\(baseURL):\(port)\(path)")
        request.method = method
        if authenticated { request.headers.add(name: "x-access-tokens", value: try await login()) }
        if let body { request.body = .bytes(ByteBuffer(string: body.canonicalText)) }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let parsed = bytes.readableBytes == 0 ? nil : try? JSONParser.parse(Array(bytes.readableBytesView))
        return Reply(status: Int(response.status.code), body: parsed, text: String(buffer: bytes))
    }

    private func login() async throws -> String {
        if let token = token.withLock({ $0 }) { return token }
        let reply = try await send(
            .POST, "/token", body: .object(["username": "luna", "password": "luna"]), authenticated: false)
        guard let token = reply.body?["token"]?.stringValue else { throw ProcessFailure(description: "login failed: \(reply)") }
        self.token.withLock { $0 = token }
        return token
    }

    /// Runs the `luna` CLI; returns its exit status and output.
    static func luna(_ arguments: [String]) throws -> (exit: Int32, output: String) {
        try runToExit("luna", arguments)
    }

    /// Runs one of the built commands until it exits; returns its exit status and output.
    static func runToExit(_ binary: String, _ arguments: [String]) throws -> (exit: Int32, output: String) {
        try runToExit(at: binaries.appendingPathComponent(binary), arguments)
    }

    /// `runToExit` on a thread of its own: a long run (a download, a CLI following a
    /// request) must not hold one of the few threads every test of the process shares.
    static func runAside(at program: URL, _ arguments: [String]) async throws -> (exit: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runToExit(at: program, arguments) }) }.start()
        }
    }

    /// Runs a program (a script of Deploy/, a system tool) until it exits.
    static func runToExit(at program: URL, _ arguments: [String]) throws -> (exit: Int32, output: String) {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A loopback port nobody listens on right now.
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A copy of the shipped luna.ini at `path`, with lines replaced, and its bootstrap file,
    /// templates and plugins named by their full paths (the copy lives elsewhere).
    static func writeConfig(_ path: String, replacing changes: [String: String] = [:]) throws -> String {
        var text = try String(contentsOf: root.appendingPathComponent("Config/luna.ini"), encoding: .utf8)
        for (old, new) in changes { text = text.replacingOccurrences(of: old, with: new) }
        text = text.replacingOccurrences(
            of: "BOOTSTRAP = bootstrap.ini", with: "BOOTSTRAP = " + root.appendingPathComponent("Config/bootstrap.ini").path)
        for folder in ["Templates", "Plugins"] {
            text = text.replacingOccurrences(
                of: "DIRECTORY = ../\(folder)", with: "DIRECTORY = " + root.appendingPathComponent(folder).path)
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func temporaryDirectory(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("luna-\(name)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var description: String
}
