import Foundation
import LunaModel

/// Brings one service's files in line with the views: renders them, and only when that
/// differs from what is installed, stages them, has the daemon's checker accept each,
/// moves them into place and reloads the daemon. A configuration the checker refuses is
/// not installed: the last good one keeps running, and the refusal is kept for
/// `/monitor/service/<name>` and `luna cluster status`. Runs after events commit, on each
/// controller for itself; a replay never calls it.
public actor ServiceReconciler {
    public nonisolated let name: String
    let reload: [String]
    /// What is installed now, by path, as this reconciler last wrote or found it.
    var installed: [String: String] = [:]
    public private(set) var lastFailure: String?
    public private(set) var reloads = 0
    /// Files were moved into place but the daemon did not take them: the next pass reloads.
    var reloadOwed = false

    /// `reload` is the program and arguments that make the daemon read its files again
    /// (never a shell string).
    public init(name: String, reload: [String]) {
        self.name = name
        self.reload = reload
    }

    public enum Outcome: Sendable, Equatable {
        case unchanged
        case installed
        case refused(String)
    }

    public func reconcile(_ config: ServiceConfig) async -> Outcome {
        let changed = config.files.filter { installed[$0.path] ?? Self.read($0.path) != $0.content }
        let stale = config.stale()
        guard !changed.isEmpty || !stale.isEmpty || reloadOwed else {
            lastFailure = nil
            return .unchanged
        }
        do throws(LunaError) {
            let staged = try stage(changed)
            for (file, copy) in zip(changed, staged) {
                try await file.check?.run(on: copy)
            }
            for (file, copy) in zip(changed, staged) {
                guard rename(copy, file.path) == 0 else {
                    throw LunaError(.unavailable, "\(file.path) could not be replaced (errno \(errno))")
                }
                installed[file.path] = file.content
            }
            for path in stale {
                try? FileManager.default.removeItem(atPath: path)
                installed[path] = nil
            }
            reloadOwed = true
            try await runReload()
            reloadOwed = false
            reloads += 1
            lastFailure = nil
            return .installed
        } catch {
            for file in changed { try? FileManager.default.removeItem(atPath: Self.stagedPath(file.path)) }
            lastFailure = error.message
            return .refused(error.message)
        }
    }

    /// Each file written whole beside its final path (same file system: the move is atomic).
    func stage(_ files: [ServiceConfig.File]) throws(LunaError) -> [String] {
        var staged: [String] = []
        for file in files {
            let copy = Self.stagedPath(file.path)
            do {
                try FileManager.default.createDirectory(
                    atPath: (file.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try file.content.write(toFile: copy, atomically: false, encoding: .utf8)
            } catch {
                throw LunaError(.unavailable, "\(copy) could not be written: \(error)")
            }
            staged.append(copy)
        }
        return staged
    }

    func runReload() async throws(LunaError) {
        guard !reload.isEmpty else { return }
        let finished: ProgramRun.Finished
        do {
            finished = try await ProgramRun(reload).run()
        } catch {
            throw LunaError(.unavailable, "\(name): reloading: \(error.message)")
        }
        guard finished.succeeded else {
            throw LunaError(
                .unavailable, "\(name): \(reload.joined(separator: " ")) failed (\(finished.status)): \(finished.tail)")
        }
    }

    static func stagedPath(_ path: String) -> String { path + ".luna-new" }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
    }
}
