import Foundation
import LunaStore

/// Where a controller keeps its files. The log cannot be rebuilt; everything else can
/// (the views) or must be restored from a peer (the cluster key).
public struct DataDirectory: Sendable {
    public let path: String

    public init(_ path: String) {
        self.path = path
    }

    public var log: String { path + "/log/events.lunalog" }
    /// The state the log goes on from: every event folded by compaction (or taken from a peer).
    public var snapshot: String { path + "/log/snapshot.lunasnap" }
    public var views: String { path + "/views.sqlite" }
    public var clusterKey: String { path + "/cluster.key" }
    /// Held by the process writing here (`DirectoryLock`); it holds that process's PID.
    public var lock: String { path + "/lunad.lock" }

    /// Removes the views (and SQLite's side files) so they can be rebuilt from the log.
    public func removeViews() throws {
        try ViewStore.removeFiles(at: views)
    }
}
