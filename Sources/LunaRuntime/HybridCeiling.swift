import LunaModel

/// The durable ceiling of this controller's hybrid clock (see `ReplicationCore.ceiling`):
/// `hlc.ceiling`, written and fsynced before any message that carries a time near it goes out.
enum HybridCeiling {
    static func path(_ directory: DataDirectory) -> String { directory.path + "/hlc.ceiling" }

    static func read(_ directory: DataDirectory) throws -> HybridTime {
        HybridTime(millis: try MillisFile.read(path(directory)) ?? 0)
    }

    static func write(_ time: HybridTime, _ directory: DataDirectory) throws {
        try MillisFile.write(time.millis, to: path(directory))
    }
}
