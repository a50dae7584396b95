import Hummingbird
import LunaDomain
import LunaModel

/// luna2's answers: objects as JSON, `{"message": …}` for everything else, and the
/// status code chosen by what happened (created 201, changed or removed 204).
enum Responses {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: bytes(value), status: status)
    }

    /// JSON already written (`bytes(_:)`), as luna2 answers it.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A value's canonical JSON and a newline.
    static func bytes(_ value: JSONValue) -> [UInt8] {
        var bytes: [UInt8] = []
        value.write(into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// A script or file text for a machine (iPXE, bash, kickstart).
    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func message(_ text: String, status: HTTPResponse.Status) -> Response {
        json(.object(["message": .string(text)]), status: status)
    }

    static func outcome(_ outcome: Outcome) -> Response {
        switch outcome {
        case .created(let text): message(text, status: .created)
        case .changed, .removed: Response(status: .noContent)
        case .rejected(let error): self.error(error)
        }
    }

    static func error(_ error: LunaError) -> Response {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .invalid: .badRequest
            case .notFound: .notFound
            case .unavailable: .serviceUnavailable
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            }
        return message(error.message, status: status)
    }

    /// `{"config": {"<kind>": {"<name>": value}}}`, luna2's envelope.
    static func config(_ kind: String, _ entries: [String: JSONValue]) -> Response {
        json(.object(["config": .object([kind: .object(entries)])]))
    }
}

/// Runs a handler and turns any `LunaError` into its response: the sentence written
/// where the problem was found reaches the client unchanged.
func answer(_ body: () async throws(LunaError) -> Response) async -> Response {
    do {
        return try await body()
    } catch {
        return Responses.error(error)
    }
}
