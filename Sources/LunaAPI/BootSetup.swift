import LunaBoot
import LunaRuntime

/// What the boot routes serve from: the renderer (templates and plugins), the folder of
/// image files (`[FILES] IMAGE_FILES`) and the install hooks to run.
public struct BootSetup: Sendable {
    public let renderer: BootRenderer
    public let filesDirectory: String
    public let hooks: InstallHooks?

    public init(renderer: BootRenderer, filesDirectory: String, hooks: InstallHooks? = nil) {
        self.renderer = renderer
        self.filesDirectory = filesDirectory
        self.hooks = hooks
    }
}
