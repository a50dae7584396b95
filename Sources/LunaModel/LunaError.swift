/// An error an operator reads. The sentence is written where the problem is found and
/// travels unchanged to the HTTP body and the CLI; the kind picks the status code.
public struct LunaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The request itself is wrong: bad syntax, a broken rule, an unknown reference.
        case invalid
        /// The object the request names does not exist.
        case notFound
        /// The controller cannot take the request now (not in sync, log failed).
        case unavailable
        /// Credentials are missing or wrong.
        case unauthorized
        /// Credentials are right but do not allow this (a TPM hash that differs).
        case forbidden
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func invalid(_ message: String) -> LunaError { LunaError(.invalid, message) }
    public static func notFound(_ message: String) -> LunaError { LunaError(.notFound, message) }

    public var description: String { message }
}
