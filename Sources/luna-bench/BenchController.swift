import AsyncHTTPClient
import Foundation
import LunaModel
import NIOCore
import NIOHTTP1

/// A lunad started by the benchmark from the same build folder, on a loopback port,
/// with a throw-away data directory and the shipped config (fsync on or off).
final class BenchController: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let directory: String
    let port: Int
    let process: Process
    let client: HTTPClient
    private(set) var token = ""

    init(fsync: Bool) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("luna-bench-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let shipped = try String(contentsOf: Self.root.appendingPathComponent("Config/luna.ini"), encoding: .utf8)
        let config = shipped.replacingOccurrences(of: "FSYNC = yes", with: "FSYNC = \(fsync ? "yes" : "no")")
            .replacingOccurrences(of: "BOOTSTRAP = bootstrap.ini", with: "BOOTSTRAP = \(Self.root.path)/Config/bootstrap.ini")
            .replacingOccurrences(of: "DIRECTORY = ../Templates", with: "DIRECTORY = \(Self.root.path)/Templates")
            .replacingOccurrences(of: "DIRECTORY = ../Plugins", with: "DIRECTORY = \(Self.root.path)/Plugins")
        try config.write(toFile: directory + "/luna.ini", atomically: true, encoding: .utf8)
        port = Int.random(in: 20000...40000)
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "lunad")
        process.arguments = ["--config", directory + "/luna.ini", "--data-dir", directory + "/data", "--port", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        try process.run()
        for _ in 0..<300 {
            if let reply = try? await request(.POST, "/token", ["username": "luna", "password": "luna"], timeout: .seconds(1)),
                let token = reply.body?["token"]?.stringValue
            {
                self.token = token
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchFailure(description: "lunad did not start on port \(port)")
    }

    struct Reply {
        var status: Int
        var body: JSONValue?
    }

    func request(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil, timeout: TimeAmount = .seconds(30)) async throws
        -> Reply
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.add(name: "x-access-tokens", value: token)
        if let body { request.body = .bytes(ByteBuffer(string: body.canonicalText)) }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 256 << 20)
        return Reply(status: Int(response.status.code), body: try? JSONParser.parse(Array(bytes.readableBytesView)))
    }

    /// Peak and current resident memory of lunad, in MiB, from /proc.
    func memory() throws -> (peak: Double, current: Double) {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        func field(_ name: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
        }
        return (field("VmHWM"), field("VmRSS"))
    }

    func stop() async {
        process.terminate()
        process.waitUntilExit()
        try? await client.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
}
