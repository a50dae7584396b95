import Foundation
import LunaLog
import LunaModel
import Testing

/// The one owner of a log, as the controller's actor is: seal and append run one at a time,
/// waiting for durability does not.
actor LogOwner {
    private let log: EventLog

    init(path: String, fsync: Bool) throws {
        log = try EventLog.open(path: path, fsync: fsync).log
    }

    func append(_ number: Int) -> (Event, LogPosition) {
        let event = log.seal(LogFixture.draft(number))
        return (event, log.append(event))
    }

    func close() { log.close() }
}

@Suite("Event log: group commit")
struct GroupCommitTests {
    @Test(arguments: [true, false])
    func concurrentAppendsAllBecomeDurableAndReadBack(fsync: Bool) async throws {
        let dir = try TempDir()
        let path = dir.path()
        let owner = try LogOwner(path: path, fsync: fsync)
        let count = 300
        let acknowledged = try await withThrowingTaskGroup(of: Event.self) { group in
            for number in 1...count {
                group.addTask {
                    let (event, position) = await owner.append(number)
                    try await position.durable()
                    return event
                }
            }
            var events: [Event] = []
            for try await event in group { events.append(event) }
            return events
        }
        await owner.close()

        #expect(acknowledged.count == count)
        #expect(Set(acknowledged.map(\.seq)) == Set(1...UInt64(count)))
        let reopened = try EventLog.open(path: path)
        defer { reopened.log.close() }
        #expect(reopened.truncatedBytes == 0)
        #expect(reopened.events.map(\.seq) == Array(1...UInt64(count)))
        // Every acknowledged event is on disk exactly as it was acknowledged.
        let bySeq = Dictionary(uniqueKeysWithValues: acknowledged.map { ($0.seq, $0) })
        for event in reopened.events { #expect(bySeq[event.seq] == event) }
        #expect(Set(reopened.events.map(\.object)) == Set((1...count).map { "node\($0)" }))
    }

    @Test func waitingOnAnOlderPositionReturnsOnceLaterOnesAreDurable() async throws {
        let dir = try TempDir()
        let owner = try LogOwner(path: dir.path(), fsync: false)
        let (_, first) = await owner.append(1)
        let (_, second) = await owner.append(2)
        try await second.durable()
        try await first.durable()
        try await first.durable()
        await owner.close()
        let reopened = try EventLog.open(path: dir.path())
        #expect(reopened.events.count == 2)
        reopened.log.close()
    }

    @Test func appendsWithoutWaitingAreFlushedByClose() async throws {
        let dir = try TempDir()
        let owner = try LogOwner(path: dir.path(), fsync: false)
        for number in 1...50 { _ = await owner.append(number) }
        await owner.close()
        let reopened = try EventLog.open(path: dir.path())
        #expect(reopened.events.map(\.seq) == Array(1...50))
        reopened.log.close()
    }
}
