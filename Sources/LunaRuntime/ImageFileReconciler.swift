import Foundation
import Logging
import LunaDomain
import LunaModel
import LunaServices
import LunaTransport

/// Keeps this controller's image files in line with its views: every file an image or tag
/// names with a hash is held here, verified; one that is missing, damaged or cut short is
/// fetched from a peer that holds it (resuming a part already fetched); one that nothing
/// names any more is removed after a grace period. Runs after commit, never in apply.
public actor ImageFileReconciler {
    public typealias Fetch = @Sendable (_ peer: String, _ name: String, _ part: String) async -> PeerSender.FetchResult

    let controller: Controller
    public let store: ImageFileStore
    let fetch: Fetch?
    let keepUnreferenced: Duration
    let logger: Logger
    let clock = ContinuousClock()
    /// When each file was first seen that nothing names.
    var unreferencedSince: [String: ContinuousClock.Instant] = [:]
    /// Why the last fetch of a file failed, by name, until it succeeds.
    public private(set) var failures: [String: String] = [:]

    public init(controller: Controller, store: ImageFileStore, fetch: Fetch?, keepUnreferenced: Duration, logger: Logger) {
        self.controller = controller
        self.store = store
        self.fetch = fetch
        self.keepUnreferenced = keepUnreferenced
        self.logger = logger
    }

    public func pass() async {
        let me = controller.name
        let (wanted, peers) = await controller.read { state in
            (ImageFileRef.wanted(in: state), state.keys(.controller).filter { $0 != me })
        }
        for ref in wanted.values.sorted(by: { $0.name < $1.name }) {
            if await store.verify(ref) { continue }
            await obtain(ref, peers: peers)
        }
        removeUnreferenced(wanted)
    }

    /// Tries each peer in turn until one copy arrives whole and verified.
    private func obtain(_ ref: ImageFileRef, peers: [String]) async {
        guard let fetch else {
            failures[ref.name] = "no peer to fetch from (replication is not configured)"
            return
        }
        var reasons: [String] = []
        for peer in peers {
            let part = store.partPath(ref.name)
            switch await fetch(peer, ref.name, part) {
            case .lacking:
                reasons.append("\(peer) does not hold it")
            case .failed(let reason):
                // The part is kept: the next try resumes from where this one stopped.
                reasons.append(reason)
            case .complete(let sha256):
                do throws(LunaError) {
                    try await store.adopt(part, as: ref, sha256: sha256)
                    failures[ref.name] = nil
                    logger.notice("fetched \(ref.name) (\(ref.size) bytes) from \(peer), sha256 verified")
                    return
                } catch {
                    logger.warning("the copy of \(ref.name) from \(peer) was refused: \(error.message)")
                    reasons.append("\(peer)'s copy: \(error.message)")
                }
            }
        }
        failures[ref.name] = reasons.isEmpty ? "no peer to fetch from" : reasons.joined(separator: "; ")
    }

    /// Pack files (and parts of fetches) that nothing names go once the grace period passes.
    private func removeUnreferenced(_ wanted: [String: ImageFileRef]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: store.directory)) ?? []
        let now = clock.now
        var seen: Set<String> = []
        for entry in names {
            let name = entry.hasPrefix(".") && entry.hasSuffix(".part") ? String(entry.dropFirst().dropLast(5)) : entry
            guard ImageFileStore.isContentAddressed(name), wanted[name] == nil else { continue }
            seen.insert(entry)
            let since = unreferencedSince[entry] ?? now
            unreferencedSince[entry] = since
            guard now - since >= keepUnreferenced else { continue }
            do {
                try FileManager.default.removeItem(atPath: "\(store.directory)/\(entry)")
                logger.notice("removed \(entry): no OS image or tag names it")
            } catch {
                logger.warning("could not remove \(entry): \(error.localizedDescription)")
            }
            unreferencedSince[entry] = nil
            failures[name] = nil
        }
        unreferencedSince = unreferencedSince.filter { seen.contains($0.key) }
    }
}
