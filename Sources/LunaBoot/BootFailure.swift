import LunaDomain

/// Why a node cannot boot or install, in the sentence the node's console shows.
public struct BootFailure: Error, Sendable, Equatable {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }
}

extension ControllerEndpoint {
    /// The endpoint nodes reach, or why a node cannot boot without one.
    static func forBoot(state: ClusterState, scheme: String) throws(BootFailure) -> ControllerEndpoint {
        do {
            return try ControllerEndpoint(state: state, scheme: scheme)
        } catch {
            throw BootFailure(error.message)
        }
    }
}
