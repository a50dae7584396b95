import Foundation

/// One `wrk` run (Debian's wrk) against a loopback URL: requests per second and p99.
struct WrkRun {
    var url: String
    var token: String
    var seconds = 5
    var connections = 16
    /// A Lua script for requests other than a plain GET (wrk's `-s`).
    var script: String?

    struct Result {
        var requestsPerSecond: Double
        var p50: String
        var p99: String
        var errors: String?
    }

    func run() throws -> Result {
        var arguments = ["-t2", "-c\(connections)", "-d\(seconds)s", "--latency", "-H", "x-access-tokens: \(token)"]
        var scriptPath: String?
        if let script {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("luna-wrk-\(UUID()).lua").path
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["-s", path]
            scriptPath = path
        }
        defer { if let scriptPath { try? FileManager.default.removeItem(atPath: scriptPath) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wrk"] + arguments + [url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw BenchFailure(description: "cannot run wrk (apt-get install wrk): \(error)")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
            let rate = Double(line.split(separator: " ").last ?? "")
        else { throw BenchFailure(description: "wrk failed on \(url): \(output)") }
        func percentile(_ label: String) -> String {
            output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
                .map { String($0.split(separator: " ").last ?? "?") } ?? "?"
        }
        let errors = output.split(separator: "\n").first { $0.contains("Non-2xx") || $0.contains("Socket errors") }
        return Result(requestsPerSecond: rate, p50: percentile("50%"), p99: percentile("99%"), errors: errors.map(String.init))
    }
}
