import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LunaAPI
import LunaBoot
import LunaModel
import LunaRuntime
import NIOCore

/// A controller seeded from the shipped bootstrap.ini in a temporary directory, with
/// its API served through Hummingbird's test client (no sockets).
struct APIHarness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let controller: Controller
    let tokens: TokenAuthority
    let directory: String

    /// The shipped templates and plugins; image files in the data directory's `files`.
    var boot: BootSetup {
        BootSetup(
            renderer: BootRenderer(
                templates: TemplateLibrary(directory: Self.root.appendingPathComponent("Templates").path),
                plugins: PluginLibrary(directory: Self.root.appendingPathComponent("Plugins").path)),
            filesDirectory: directory + "/files")
    }

    /// The shipped bootstrap.ini seeds one controller, `controller`. Any other `name` runs on
    /// the data that one seeded (a data directory moved to a host the views do not name).
    static func make(name: String = "controller") async throws -> APIHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("luna-api-\(UUID())").path
        var controller = try Controller(directory: DataDirectory(directory), name: "controller", fsync: false)
        try await Bootstrap(path: root.appendingPathComponent("Config/bootstrap.ini").path).seed(controller)
        if name != "controller" {
            await controller.close()
            controller = try Controller(directory: DataDirectory(directory), name: name, fsync: false)
        }
        let tokens = await TokenAuthority(
            secret: "0123456789abcdef0123456789abcdef", username: "luna", password: "luna",
            nodeLogin: (username: "node", password: "node"), lifetime: 3600)
        return APIHarness(controller: controller, tokens: tokens, directory: directory)
    }

    func run(
        boot: BootSetup? = nil, services: ControllerServices = .init(),
        _ body: @escaping @Sendable (Client) async throws -> Void
    ) async throws {
        let app = Application(
            router: LunaApplication.router(controller: controller, tokens: tokens, boot: boot ?? self.boot, services: services))
        try await app.test(.router) { client in
            let token = try await client.execute(
                uri: "/token", method: .post, body: ByteBuffer(string: #"{"username":"luna","password":"luna"}"#)
            ) { response in
                try JSONParser.parse(Array(response.body.readableBytesView))["token"]!.stringValue!
            }
            try await body(Client(client: client, token: token))
        }
        await controller.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    struct Client: Sendable {
        let client: any TestClientProtocol
        let token: String

        struct Reply {
            var status: HTTPResponse.Status
            var body: JSONValue?
            var text = ""
            var headers = HTTPFields()
            var message: String { body?["message"]?.stringValue ?? "" }
        }

        func get(_ uri: String, token: String? = nil) async throws -> Reply {
            try await send(uri, .get, nil, token: token)
        }

        func post(_ uri: String, _ body: JSONValue, token: String? = nil) async throws -> Reply {
            try await send(uri, .post, body.canonicalText, token: token)
        }

        func post(_ uri: String, raw: String) async throws -> Reply {
            try await send(uri, .post, raw)
        }

        /// Sends with the admin token, or `token` (an empty one sends none).
        func send(
            _ uri: String, _ method: HTTPRequest.Method, _ body: String?, token: String? = nil, headers extra: HTTPFields = [:]
        ) async throws -> Reply {
            var headers = extra
            let token = token ?? self.token
            if !token.isEmpty { headers[HTTPField.Name("x-access-tokens")!] = token }
            return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
            {
                let bytes = Array($0.body.readableBytesView)
                return Reply(
                    status: $0.status, body: try? JSONParser.parse(bytes), text: String(decoding: bytes, as: UTF8.self),
                    headers: $0.headers)
            }
        }
    }
}

/// `{"config": {"<kind>": {"<name>": fields}}}`
func envelope(_ kind: String, _ name: String, _ fields: JSONValue) -> JSONValue {
    ["config": .object([kind: .object([name: fields])])]
}
