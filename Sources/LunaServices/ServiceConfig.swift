import LunaModel

/// What one service (DHCP, DNS) needs written for the views at hand: files by their final
/// path, and how each is checked before it may replace the running one.
public struct ServiceConfig: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var path: String
        public var content: String
        /// The daemon's checker, run on the staged copy; nil for a file checked with another.
        public var check: ConfigCheck?

        public init(path: String, content: String, check: ConfigCheck?) {
            self.path = path
            self.content = content
            self.check = check
        }
    }

    public var files: [File]

    public init(files: [File]) {
        self.files = files
    }
}

extension ConfigCheck: Equatable {
    public static func == (lhs: ConfigCheck, rhs: ConfigCheck) -> Bool {
        lhs.tool == rhs.tool && lhs.arguments == rhs.arguments
    }
}
