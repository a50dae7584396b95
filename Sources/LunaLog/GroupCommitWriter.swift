import Foundation

/// Appends batches to the log file on its own thread. Records submitted while a write
/// and fsync are in flight ride together in the next batch: concurrent writers share
/// one fsync (group commit), and each learns when its record is on disk.
final class GroupCommitWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let syncs: Bool
    private let queue = DispatchQueue(label: "luna.log.writer")
    private let lock = NSLock()
    private var pending: [[UInt8]] = []
    private var submitted: UInt64
    private var durable: UInt64
    private var running = false
    private var failure: LunaLogWriteError?
    private var waiters: [(position: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []

    init(descriptor: Int32, syncs: Bool, position: UInt64) {
        self.descriptor = descriptor
        self.syncs = syncs
        self.submitted = position
        self.durable = position
    }

    /// Queues one encoded record; returns its position for `waitDurable`.
    func submit(_ record: [UInt8]) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        pending.append(record)
        submitted += 1
        if !running {
            running = true
            queue.async { self.drain() }
        }
        return submitted
    }

    func waitDurable(_ position: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            lock.lock()
            defer { lock.unlock() }
            if let failure {
                continuation.resume(throwing: failure)
            } else if durable >= position {
                continuation.resume()
            } else {
                waiters.append((position, continuation))
            }
        }
    }

    private func drain() {
        while true {
            lock.lock()
            if pending.isEmpty || failure != nil {
                running = false
                lock.unlock()
                return
            }
            let batch = pending
            let upTo = submitted
            pending.removeAll(keepingCapacity: true)
            lock.unlock()

            let outcome = write(LogFrame.encode(records: batch))
            lock.lock()
            if let outcome {
                failure = outcome
            } else {
                durable = upTo
                LogMetrics.written.increment(by: batch.count)
            }
            let ready = waiters.filter { failure != nil || $0.position <= durable }
            waiters.removeAll { failure != nil || $0.position <= durable }
            let error = failure
            lock.unlock()
            for waiter in ready {
                if let error { waiter.continuation.resume(throwing: error) } else { waiter.continuation.resume() }
            }
        }
    }

    private func write(_ frame: [UInt8]) -> LunaLogWriteError? {
        var written = 0
        while written < frame.count {
            let result = frame.withUnsafeBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress! + written, frame.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                return LunaLogWriteError(reason: String(cString: strerror(errno)))
            }
            written += result
        }
        guard syncs else { return nil }
        let started = ContinuousClock.now
        guard fdatasync(descriptor) == 0 else {
            return LunaLogWriteError(reason: "fsync failed: " + String(cString: strerror(errno)))
        }
        LogMetrics.fsync.record(duration: ContinuousClock.now - started)
        return nil
    }

    /// Replaces the log file with `bytes` once every record queued so far is written, and
    /// appends to the new file from then on (compaction). On failure the old file stays.
    func replaceFile(_ path: String, with bytes: [UInt8]) throws {
        try queue.sync {
            // Every queued drain runs on this queue; one more here writes what is pending.
            drain()
            try DurableFile.replace(path, with: bytes)
            let replacement = Foundation.open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard replacement >= 0, dup2(replacement, descriptor) >= 0 else {
                let error = LunaLogWriteError(reason: "cannot reopen \(path): " + String(cString: strerror(errno)))
                lock.lock()
                failure = error
                lock.unlock()
                throw error
            }
            Foundation.close(replacement)
        }
    }

    func close() {
        queue.sync {}
        Foundation.close(descriptor)
    }
}

/// The log could not be written: no further write is acknowledged until a restart.
public struct LunaLogWriteError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { "the event log could not be written: \(reason)" }
}
