import LunaBoot

/// What the boot routes serve from: the renderer (templates and plugins) and the folder
/// of image files (`[FILES] IMAGE_FILES`).
public struct BootSetup: Sendable {
    public let renderer: BootRenderer
    public let filesDirectory: String

    public init(renderer: BootRenderer, filesDirectory: String) {
        self.renderer = renderer
        self.filesDirectory = filesDirectory
    }
}
