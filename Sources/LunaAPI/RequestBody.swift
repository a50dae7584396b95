import HTTPTypes
import Hummingbird
import LunaDomain
import LunaModel

/// Reading luna2-shaped request bodies: JSON whatever the content type says (as luna2
/// does), never a form; the object must sit at the envelope path the route names.
enum RequestBody {
    static let limit = 16 * 1024 * 1024

    static func json(_ request: Request) async throws(LunaError) -> JSONValue {
        if let type = request.headers[.contentType],
            type.hasPrefix("application/x-www-form-urlencoded") || type.hasPrefix("multipart/")
        {
            throw .invalid("data is not valid json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw .invalid("Invalid request: the body is larger than \(limit / 1024 / 1024) MiB")
        }
        do {
            return try JSONParser.parse(Array(buffer.readableBytesView))
        } catch {
            throw .invalid("data is not valid json: \(error)")
        }
    }

    /// The object at `path` (e.g. config → node → node001) of the request body.
    static func object(_ request: Request, at path: [String]) async throws(LunaError) -> Row {
        var value = try await json(request)
        for key in path {
            guard let next = value[key] else {
                throw .invalid("data structure incomplete or incorrect: expected \(path.joined(separator: ":"))")
            }
            value = next
        }
        guard let object = value.objectValue else {
            throw .invalid("data structure incomplete or incorrect: \(path.joined(separator: ":")) must be an object")
        }
        return object
    }
}

extension Request {
    /// The request id the log records with the event, set by `RequestIDMiddleware`.
    var requestID: String {
        headers[.requestID] ?? ""
    }

    /// Who acts, as the log records it: `admin`, or `node:<name>` for a provision token;
    /// set by `TokenMiddleware` on every route that writes.
    var actor: String {
        headers[.actor] ?? "anonymous"
    }
}

extension HTTPField.Name {
    static let actor = HTTPField.Name("x-luna-actor")!
}
