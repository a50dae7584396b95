import LunaModel
import Synchronization

/// Shows already rendered, valid for one revision of the state: a show of an object is
/// read far more often than anything changes, and rendering it (inheritance resolved) and
/// writing its JSON cost more than serving it. Any change of any row empties the cache,
/// since an object's view depends on others (its group, image, the cluster).
final class RenderCache: Sendable {
    static let capacity = 10_000

    private struct Entries {
        var revision: UInt64 = 0
        var bytes: [String: [UInt8]] = [:]
    }

    private let entries = Mutex(Entries())

    /// The bytes for `key` at `revision`, rendering them when they are not held. A reader
    /// behind the newest revision seen renders for itself and keeps nothing.
    func bytes(_ key: String, revision: UInt64, render: () -> [UInt8]?) -> [UInt8]? {
        let (current, held) = entries.withLock { entries -> (Bool, [UInt8]?) in
            if revision > entries.revision { entries = Entries(revision: revision) }
            guard revision == entries.revision else { return (false, nil) }
            return (true, entries.bytes[key])
        }
        if let held { return held }
        guard let rendered = render() else { return nil }
        guard current else { return rendered }
        entries.withLock { entries in
            guard entries.revision == revision else { return }
            if entries.bytes.count >= Self.capacity { entries.bytes.removeAll() }
            entries.bytes[key] = rendered
        }
        return rendered
    }
}
