import LunaModel

/// What the server answered: the status, the body as sent (printed unchanged by
/// `--json`), and the sentence to show when it is a refusal.
struct APIResponse {
    var url: String
    var status: Int
    var bytes: [UInt8]

    var json: JSONValue? {
        try? JSONParser.parse(bytes)
    }

    /// The body as text, without the newline the server ends it with.
    var text: String {
        var text = String(decoding: bytes, as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The server's `{"message": …}` unchanged, or, when there is none, what came back.
    var sentence: String {
        switch json?["message"] {
        case .string(let message)?: return message
        case let message? where !message.isNull: return message.canonicalText
        default:
            if bytes.isEmpty, status == 404 { return "\(url) answered 404 with no message: this controller does not serve it" }
            if bytes.isEmpty { return "\(url) answered \(status) with no message" }
            return "\(url) answered \(status): \(text.prefix(200))"
        }
    }

    /// Itself if the status is one of `expected`; else the server's sentence as the failure.
    @discardableResult
    func expect(_ expected: Int...) throws -> APIResponse {
        guard expected.contains(status) else { throw CommandFailure(description: sentence) }
        return self
    }

    /// The JSON body of a successful answer; a success that is not JSON is a failure too.
    func object() throws -> JSONValue {
        guard let json else { throw CommandFailure(description: "\(url) answered \(status) without JSON") }
        return json
    }
}
