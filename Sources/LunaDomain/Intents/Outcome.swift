import LunaModel

/// What applying an intent did. Rejection is a result, recorded with the event: the same
/// intent is rejected the same way on every controller that applies it.
public enum Outcome: Sendable, Equatable {
    case created(String)
    case changed(String)
    case removed(String)
    case rejected(LunaError)

    public var message: String {
        switch self {
        case .created(let text), .changed(let text), .removed(let text): text
        case .rejected(let error): error.message
        }
    }
}

/// Seals and opens secret values with the cluster key. Sealing happens before an event
/// is written; apply never sees a clear secret and never needs the key.
public protocol SecretSealer: Sendable {
    func seal(_ clear: String) -> String
    func open(_ sealed: String) -> String?
}

/// The context an intent's request is prepared in: everything that is not deterministic
/// (the key, randomness of the nonce) stays here, out of apply.
public struct PrepareContext: Sendable {
    public var sealer: any SecretSealer

    public init(sealer: any SecretSealer) {
        self.sealer = sealer
    }
}
