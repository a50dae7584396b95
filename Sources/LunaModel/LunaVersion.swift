/// What `/version`, `lunad --version` and `luna --version` report. The luna2 version
/// stays luna2's, for clients that compare it.
public enum LunaVersion {
    public static let current = "2.1.0001"
    public static let commit = "luna-swift"
    /// The build as operators read it.
    public static let description = "Luna \(current) (\(commit))"
}
