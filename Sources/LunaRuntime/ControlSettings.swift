import Foundation

/// `[CONTROL]` of luna.ini: how many BMCs a bulk request drives at once, how long one try
/// of one BMC may take, and how many more tries a BMC that did not answer gets.
public struct ControlSettings: Sendable, Equatable {
    /// 64 BMCs per core, at most 256: an ipmitool session costs the controller about 35 ms
    /// of CPU (most of it reading the IANA registry at start), and sessions starved of CPU
    /// miss their one-second retransmission and fail. Measured with Deploy/power-bench.
    public static let defaultConcurrency = min(256, 64 * ProcessInfo.processInfo.activeProcessorCount)

    public var concurrency = defaultConcurrency
    public var timeout: Duration = .seconds(10)
    public var retries = 1

    public init() {}

    init(_ ini: IniFile) throws {
        let concurrencyText = ini.value("CONTROL", "CONCURRENCY") ?? String(Self.defaultConcurrency)
        guard let concurrency = Int(concurrencyText), (1...10_000).contains(concurrency) else {
            throw ini.failure("CONTROL", "CONCURRENCY", "= \(concurrencyText) must be a number of BMCs from 1 to 10000")
        }
        let timeoutText = ini.value("CONTROL", "TIMEOUT") ?? "10s"
        guard let milliseconds = LunaConfig.parseAge(timeoutText), (1000...600_000).contains(milliseconds) else {
            throw ini.failure("CONTROL", "TIMEOUT", "= \(timeoutText) must be a duration from 1s to 10m, like 10s")
        }
        let retriesText = ini.value("CONTROL", "RETRIES") ?? "1"
        guard let retries = Int(retriesText), (0...5).contains(retries) else {
            throw ini.failure("CONTROL", "RETRIES", "= \(retriesText) must be a number from 0 to 5")
        }
        self.concurrency = concurrency
        timeout = .milliseconds(milliseconds)
        self.retries = retries
    }
}
