import LunaServices

/// What runs around a controller beside its API, for the routes that report on it or act
/// through it: the reconciled daemons, their start and stop commands, the beacon, OS
/// image work, the image files held on each controller and BMC requests.
public struct ControllerServices: Sendable {
    public var runner: ServiceRunner?
    public var actions: ServiceActions?
    public var beacon: BeaconKeeper?
    public var images: ImageWork?
    public var imageCopies: ImageCopies?
    /// The verified image files, which alone `/files` serves when a pack recorded their hash.
    public var imageStore: ImageFileStore?
    public var treeSync: ImageTreeSync?
    /// BMC requests asked of this controller.
    public var control: ControlRequests?

    public init(
        runner: ServiceRunner? = nil, actions: ServiceActions? = nil, beacon: BeaconKeeper? = nil, images: ImageWork? = nil,
        imageCopies: ImageCopies? = nil, imageStore: ImageFileStore? = nil, treeSync: ImageTreeSync? = nil,
        control: ControlRequests? = nil
    ) {
        self.control = control
        self.treeSync = treeSync
        self.runner = runner
        self.actions = actions
        self.beacon = beacon
        self.images = images
        self.imageCopies = imageCopies
        self.imageStore = imageStore
    }
}
