import LunaModel
import LunaReplication

/// What waits for one peer while its earlier messages are still in flight. Waiting events
/// merge into one message, a newer pull replaces a waiting one, other messages queue.
/// Past the limits the oldest go: the protocol survives any lost message (the next pull
/// brings what it carried), while a queue for a dead peer must not grow without end.
struct PeerQueue {
    static let eventLimit = 512
    static let otherLimit = 64

    private var events: PeerMessage?
    private var pull: PeerMessage?
    private var others: [PeerMessage] = []
    /// Messages let go because the queue was full.
    private(set) var dropped = 0

    mutating func add(_ message: PeerMessage) {
        switch message.body {
        case .events(let new):
            guard case .events(var waiting)? = events?.body, waiting.count + new.count <= Self.eventLimit else {
                if events != nil { dropped += 1 }
                events = new.count <= Self.eventLimit ? message : nil
                return
            }
            // The waiting message lets go of its events first, so they grow in place rather
            // than being copied whole for every event that joins them.
            events = nil
            waiting += new
            var merged = message
            merged.body = .events(waiting)
            events = merged
        case .pull:
            if pull != nil { dropped += 1 }
            pull = message
        default:
            if others.count >= Self.otherLimit {
                others.removeFirst()
                dropped += 1
            }
            others.append(message)
        }
    }

    /// The next message to send: events first (they are what latency is measured on),
    /// then the walk's messages in order, then the pull.
    mutating func next() -> PeerMessage? {
        if let events {
            self.events = nil
            return events
        }
        if !others.isEmpty { return others.removeFirst() }
        defer { pull = nil }
        return pull
    }
}
