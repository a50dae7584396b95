import Foundation
import LunaModel

/// What became of the writes of each request, for the client that made it (luna2's
/// `GET /config/status/<request_id>`). A write is acknowledged once applied here, but a
/// concurrent write on another controller may still sort before it and make it invalid:
/// the stream says so, and ends once every event of the request is stable. Local to the
/// controller that took the write; nothing here is replicated.
public struct RequestStreams: Sendable {
    public struct Line: Sendable, Equatable {
        public var created: Int64
        public var text: String
        /// 200, or 409 for a write rejected after it was acknowledged.
        public var status: Int
    }

    /// One line as `/monitor/status` lists it, with its request and whether it was read.
    public struct Message: Sendable {
        public var request: String
        public var actor: String
        public var line: Line
        public var read: Bool
    }

    private struct Stream {
        var actor = ""
        var lines: [Line] = []
        var read = 0
        /// Events of the request not yet stable, and whether each stands rejected now.
        var open: [EventID: Bool] = [:]
        /// A task (a service action, a power request) still adding lines.
        var running = false
    }

    private var streams: [String: Stream] = [:]
    /// Request ids oldest first, so the oldest finished streams go when there are too many.
    private var arrival: [String] = []
    private var requestOf: [EventID: String] = [:]
    static let capacity = 10_000

    /// A local write applied and logged: its stream opens with the event that carries it
    /// (before the fsync, so that it is open before the event can settle).
    mutating func written(_ event: Event, at millis: Int64) {
        if streams[event.requestID] == nil {
            arrival.append(event.requestID)
            evict()
        }
        streams[event.requestID, default: Stream()].open[event.id] = false
        streams[event.requestID]?.actor = event.actor
        requestOf[event.id] = event.requestID
        add(event.requestID, "\(event.intent) \(event.object): applied as event \(event.id)", at: millis)
    }

    /// A task of this controller's own opens the stream of `request`; it ends with `ended`.
    mutating func started(task request: String, actor: String, at millis: Int64) {
        if streams[request] == nil {
            arrival.append(request)
            evict()
        }
        streams[request, default: Stream()].running = true
        streams[request]?.actor = actor
    }

    /// A line a running task reports.
    mutating func reported(_ request: String, _ text: String, status: Int, at millis: Int64) {
        add(request, text, status: status, at: millis)
    }

    mutating func ended(task request: String) {
        streams[request]?.running = false
    }

    /// The outcome of an event after it was applied again in a new order; only a change is told.
    mutating func outcome(of id: EventID, rejection: String?, at millis: Int64) {
        guard let request = requestOf[id], let was = streams[request]?.open[id], was != (rejection != nil) else { return }
        streams[request]?.open[id] = rejection != nil
        if let rejection {
            add(request, "event \(id) was rejected once ordered with concurrent writes: \(rejection)", status: 409, at: millis)
        } else {
            add(request, "event \(id) applies again once ordered with concurrent writes", at: millis)
        }
    }

    /// An event's place is final: so is its outcome.
    mutating func settled(_ id: EventID, at millis: Int64) {
        guard let request = requestOf.removeValue(forKey: id), let rejected = streams[request]?.open.removeValue(forKey: id)
        else { return }
        add(request, "event \(id) is stable: \(rejected ? "rejected" : "applied") for good", at: millis)
    }

    /// The lines not yet read. Nil once the stream ended (every event stable, every line
    /// read) or was never opened here; empty while its events are still tentative.
    mutating func drain(_ request: String) -> [Line]? {
        guard let stream = streams[request] else { return nil }
        let unread = Array(stream.lines[stream.read...])
        if unread.isEmpty, stream.open.isEmpty, !stream.running {
            streams[request] = nil
            arrival.removeAll { $0 == request }
            return nil
        }
        streams[request]?.read = stream.lines.count
        return unread
    }

    /// Every line of the streams still open or unread, oldest request first; reading
    /// them here does not mark them read.
    public var messages: [Message] {
        arrival.flatMap { request -> [Message] in
            guard let stream = streams[request] else { return [] }
            return stream.lines.enumerated().map { index, line in
                Message(request: request, actor: stream.actor, line: line, read: index < stream.read)
            }
        }
    }

    private mutating func add(_ request: String, _ text: String, status: Int = 200, at millis: Int64) {
        streams[request]?.lines.append(Line(created: millis, text: text, status: status))
    }

    /// Past capacity, the oldest streams go, finished or not: a client that never reads
    /// its stream must not hold memory forever.
    private mutating func evict() {
        while arrival.count > Self.capacity {
            let oldest = arrival.removeFirst()
            if let gone = streams.removeValue(forKey: oldest) {
                for id in gone.open.keys { requestOf[id] = nil }
            }
        }
    }
}
