import AsyncHTTPClient
import Hummingbird
import Logging
import LunaModel
import NIOCore

/// Master-only work asked of the master by another controller: the asking controller
/// posts the task and reads its progress lines as the master writes them, one JSON object
/// per line. A line `{}` every few seconds keeps a silent step (dracut, tar) from looking
/// like a dead master; `{"end":true}` closes the task.
public enum PeerTasks {
    public static let path = "/replication/tasks"
    static let heartbeat: Duration = .seconds(3)

    public struct Task: Sendable, Equatable {
        public var kind: String
        public var object: String
        public var actor: String
        public var request: String
        public var options: [String: JSONValue]

        public init(kind: String, object: String, actor: String, request: String, options: [String: JSONValue] = [:]) {
            self.kind = kind
            self.object = object
            self.actor = actor
            self.request = request
            self.options = options
        }

        var json: JSONValue {
            [
                "kind": .string(kind), "object": .string(object), "actor": .string(actor), "request": .string(request),
                "options": .object(options),
            ]
        }

        init?(_ json: JSONValue) {
            guard let kind = json["kind"]?.stringValue, let object = json["object"]?.stringValue,
                let actor = json["actor"]?.stringValue, let request = json["request"]?.stringValue
            else { return nil }
            self.init(kind: kind, object: object, actor: actor, request: request, options: json["options"]?.objectValue ?? [:])
        }
    }

    /// One progress line, with luna2's status (200 while all is well).
    public struct Line: Sendable, Equatable {
        public var text: String
        public var status: Int

        public init(_ text: String, status: Int = 200) {
            self.text = text
            self.status = status
        }
    }

    /// Starts a task here (refusing it with the sentence the client reads) and gives its lines.
    public typealias Run = @Sendable (Task) async throws(LunaError) -> AsyncStream<Line>

    static func addRoute(to router: Router<PeerRequestContext>, run: @escaping Run, logger: Logger) {
        router.post(RouterPath(path)) { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            guard let json = try? JSONParser.parse(Array(body.readableBytesView)), let task = Task(json) else {
                return refusal(LunaError(.invalid, "Invalid request: a forwarded task names its kind, object, actor and request"))
            }
            let lines: AsyncStream<Line>
            do throws(LunaError) { lines = try await run(task) } catch { return refusal(error) }
            logger.notice("running \(task.kind) of \(task.object) for a peer (request \(task.request))")
            return Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        let (beats, beat) = AsyncStream.makeStream(of: ByteBuffer.self)
                        group.addTask {
                            while !_Concurrency.Task.isCancelled {
                                try await _Concurrency.Task.sleep(for: heartbeat)
                                beat.yield(ByteBuffer(string: "{}\n"))
                            }
                        }
                        group.addTask {
                            for await line in lines {
                                let json: JSONValue = ["text": .string(line.text), "status": .int(line.status)]
                                beat.yield(ByteBuffer(bytes: json.canonicalBytes + [0x0A]))
                            }
                            beat.yield(ByteBuffer(string: "{\"end\":true}\n"))
                            beat.finish()
                        }
                        for await buffer in beats { try await writer.write(buffer) }
                        group.cancelAll()
                    }
                    try await writer.finish(nil)
                })
        }
    }

    static func refusal(_ error: LunaError) -> Response {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .invalid: .badRequest
            case .notFound: .notFound
            case .forbidden: .forbidden
            case .unauthorized: .unauthorized
            case .unavailable: .serviceUnavailable
            }
        let json: JSONValue = ["message": .string(error.message)]
        return Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.canonicalBytes)))
    }

    static func error(code: UInt, body: [UInt8]) -> LunaError {
        let message = (try? JSONParser.parse(body))?["message"]?.stringValue ?? "the master answered \(code)"
        let kind: LunaError.Kind =
            switch code {
            case 400: .invalid
            case 404: .notFound
            case 403: .forbidden
            case 401: .unauthorized
            default: .unavailable
            }
        return LunaError(kind, message)
    }
}

extension PeerSender {
    public enum Forwarded: Sendable {
        /// The peer runs the task: its lines, as they come.
        case running(AsyncThrowingStream<PeerTasks.Line, any Error>)
        /// The peer refused the task, with the sentence for the client.
        case refused(LunaError)
        /// The peer could not be reached.
        case unreachable(String)
    }

    /// Hands `task` to `peer`.
    public func forwardTask(_ peer: String, _ task: PeerTasks.Task) async -> Forwarded {
        guard let address = peers[peer] ?? learned.withLock({ $0[peer] }) else { return .unreachable("its address is not known") }
        var request = HTTPClientRequest(url: "https://\(address)\(PeerTasks.path)")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: task.json.canonicalBytes))
        let response: HTTPClientResponse
        do { response = try await client.execute(request, timeout: .hours(12)) } catch { return .unreachable("\(error)") }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1 << 16)).map { Array($0.readableBytesView) } ?? []
            return .refused(PeerTasks.error(code: response.status.code, body: body))
        }
        return .running(
            AsyncThrowingStream { continuation in
                let reading = Task {
                    var pending: [UInt8] = []
                    do {
                        for try await buffer in response.body {
                            pending += buffer.readableBytesView
                            while let newline = pending.firstIndex(of: 0x0A) {
                                let json = try? JSONParser.parse(Array(pending[..<newline]))
                                pending.removeSubrange(...newline)
                                if json?["end"] == .bool(true) {
                                    continuation.finish()
                                    return
                                }
                                if let text = json?["text"]?.stringValue, case .int(let status)? = json?["status"] {
                                    continuation.yield(PeerTasks.Line(text, status: status))
                                }
                            }
                        }
                        continuation.finish(throwing: LunaError(.unavailable, "\(peer) closed the task before its end"))
                    } catch {
                        continuation.finish(throwing: LunaError(.unavailable, "the connection to \(peer) broke: \(error)"))
                    }
                }
                continuation.onTermination = { _ in reading.cancel() }
            })
    }
}
