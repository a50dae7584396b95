import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a data directory, held for the life of the process that writes
/// it: two lunad processes on one log would interleave their appends and damage it.
/// Readers (`luna log …`) never take it. The file names the holder's PID for the refusal.
public final class DirectoryLock: Sendable {
    let descriptor: Int32

    public struct Held: Error, CustomStringConvertible {
        public var description: String
    }

    /// Takes the lock, or throws a sentence naming the process that holds it.
    public init(_ directory: DataDirectory) throws {
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        let path = directory.lock
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Held(description: "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw Held(
                description:
                    "the data directory \(directory.path) is in use by another lunad (PID \(holder.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"), lock file \(path)); stop it first"
            )
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
