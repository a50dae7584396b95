import HTTPTypes
import Hummingbird

/// Every request carries an id: the client's `x-request-id`, or a fresh one. The events a
/// write makes record it, the response echoes it, and `GET /config/status/<id>` follows
/// what became of the write. Whatever a client sent as the actor is dropped here.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        var head = request.head
        // Who acts is the token's to say (TokenMiddleware); a client never sets it.
        head.headerFields[.actor] = nil
        if let given = head.headerFields[.requestID] {
            guard RequestID.isValid(given) else {
                return Responses.message("Invalid request: x-request-id \(RequestID.rule)", status: .badRequest)
            }
        } else {
            head.headerFields[.requestID] = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        }
        var response = try await next(Request(head: head, body: request.body), context)
        response.headers[.requestID] = head.headerFields[.requestID]
        return response
    }
}

enum RequestID {
    static let rule = "must be 1 to 256 letters, digits, '.', '_', ':' or '-'"

    static func isValid(_ text: String) -> Bool {
        (1...256).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                    UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("x-request-id")!
}
