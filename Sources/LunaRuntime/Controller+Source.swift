import LunaTransport

/// The transport sends what a controller produces and ticks it.
extension Controller: ReplicationSource {}
