import ArgumentParser
import AsyncHTTPClient
import Foundation
import LunaModel
import NIOCore

/// `luna cluster status`: what one controller knows of the cluster, asked over its API.
struct ClusterStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Members, their clocks and lag, Merkle agreement and incidents.")

    @Option(help: "The API of any controller.")
    var url = "http://127.0.0.1:7050"

    @Option(help: "The admin login ([API] USERNAME in luna.ini).")
    var username = "luna"

    @Option(help: "The admin password ([API] PASSWORD in luna.ini).")
    var password = "luna"

    @Flag(help: "The status as one JSON object.")
    var json = false

    func run() async throws {
        do {
            let status = try await fetch()
            print(json ? status.canonicalText : Self.describe(status))
        } catch {
            FileHandle.standardError.write(Data("luna: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func fetch() async throws -> JSONValue {
        let login = try await request("/token", body: ["username": .string(username), "password": .string(password)], token: nil)
        guard let token = login["token"]?.stringValue else {
            throw CommandFailure(description: "\(url) refused the login: \(login["message"]?.stringValue ?? login.canonicalText)")
        }
        return try await request("/cluster/status", body: nil, token: token)
    }

    private func request(_ path: String, body: JSONValue?, token: String?) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url + path)
        request.method = body == nil ? .GET : .POST
        if let token { request.headers.add(name: "x-access-tokens", value: token) }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.canonicalText))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        } catch {
            throw CommandFailure(description: "cannot reach \(url): \(error)")
        }
        let bytes = try await response.body.collect(upTo: 16 << 20)
        guard let value = try? JSONParser.parse(Array(bytes.readableBytesView)) else {
            throw CommandFailure(description: "\(url)\(path) answered \(response.status.code) without JSON")
        }
        return value
    }

    static func describe(_ status: JSONValue) -> String {
        let stable = status["stable"]?.stringValue.flatMap { Int64($0.split(separator: ".")[0]) }.map(TimeArgument.format)
        var lines = ["cluster as seen by \(status["controller"]?.stringValue ?? "?"), stable up to \(stable ?? "nothing yet")"]
        for member in status["members"]?.arrayValue ?? [] {
            let clock = (member["clock"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map {
                "\($0.key):\($0.value.canonicalText)"
            }
            let lag =
                member["lag_seconds"].flatMap {
                    if case .double(let s) = $0 { String(format: ", heard %.1f s ago", s) } else { nil }
                } ?? ""
            lines.append(
                "  \(member["name"]?.stringValue ?? "?") (\(member["role"]?.stringValue ?? "?"))  "
                    + "\(member["insync"] == .bool(true) ? "in sync" : "behind")  "
                    + "lag \(member["lag_events"]?.canonicalText ?? "?") events\(lag)  clock {\(clock.joined(separator: " "))}")
        }
        let merkle = (status["merkle"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        let differing = merkle.filter { $0.value == .bool(false) }.map(\.key)
        let unknown = merkle.filter { $0.value.isNull }.map(\.key)
        lines.append(
            differing.isEmpty
                ? (unknown.isEmpty
                    ? "  views: every table agrees on every member"
                    : "  views: clocks still differ, agreement not known for \(unknown.count) tables")
                : "  views DIFFER in: \(differing.joined(separator: ", "))")
        let folded = (status["log"]?["folded"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map {
            "\($0.key):\($0.value.canonicalText)"
        }
        lines.append(
            "  log: \(status["log"]?["events"]?.canonicalText ?? "?") events"
                + (folded.isEmpty ? ", nothing compacted yet" : " after the snapshot {\(folded.joined(separator: " "))}"))
        let incidents = status["incidents"]?.arrayValue ?? []
        lines.append(
            incidents.isEmpty
                ? "  incidents: none" : "  incidents:\n" + incidents.map { "    \($0.stringValue ?? "")" }.joined(separator: "\n")
        )
        return lines.joined(separator: "\n")
    }
}
