/// Why a node cannot boot or install, in the sentence the node's console shows.
public struct BootFailure: Error, Sendable, Equatable {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }
}
