/// What runs around a controller beside its API, for the routes that report on it or act
/// through it: the reconciled daemons, their start and stop commands, the beacon.
public struct ControllerServices: Sendable {
    public var runner: ServiceRunner?
    public var actions: ServiceActions?
    public var beacon: BeaconKeeper?

    public init(runner: ServiceRunner? = nil, actions: ServiceActions? = nil, beacon: BeaconKeeper? = nil) {
        self.runner = runner
        self.actions = actions
        self.beacon = beacon
    }
}
