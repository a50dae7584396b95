import Testing

/// The suites that run a whole cluster through its life (membership changes, backups,
/// faults, upgrades), each with a stream of writes: one at a time, so that together they
/// do not starve the other tests of this 2-core machine's time.
@Suite(.serialized)
enum LifecycleProcessTests {}
