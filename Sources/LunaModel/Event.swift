/// One intent, as written to the log: what an operator meant, with everything needed to
/// order it, verify it and apply it again anywhere.
public struct Event: Sendable, Hashable {
    /// The log record format this build writes and understands.
    public static let currentFormat = 1

    public var format: Int
    public var origin: String
    public var seq: UInt64
    /// What the origin had applied when it wrote this event.
    public var clock: VectorClock
    public var time: HybridTime
    public var intent: String
    public var intentVersion: Int
    public var object: String
    public var payload: JSONValue
    public var actor: String
    public var requestID: String
    /// The checksum of the origin's previous event ("" for seq 1): the hash chain.
    public var previousHash: String
    /// SHA-256 over every other field, hex.
    public var checksum: String

    public init(
        format: Int = Event.currentFormat, origin: String, seq: UInt64, clock: VectorClock,
        time: HybridTime, intent: String, intentVersion: Int, object: String,
        payload: JSONValue, actor: String, requestID: String, previousHash: String,
        checksum: String = ""
    ) {
        self.format = format
        self.origin = origin
        self.seq = seq
        self.clock = clock
        self.time = time
        self.intent = intent
        self.intentVersion = intentVersion
        self.object = object
        self.payload = payload
        self.actor = actor
        self.requestID = requestID
        self.previousHash = previousHash
        self.checksum = checksum
    }

    public var id: EventID { EventID(origin: origin, seq: seq) }

    /// The one total order every controller applies events in.
    public static func appliesBefore(_ lhs: Event, _ rhs: Event) -> Bool {
        (lhs.time, lhs.origin, lhs.seq) < (rhs.time, rhs.origin, rhs.seq)
    }

    /// The event's place in that order.
    public var place: EventPlace { EventPlace(time: time, origin: origin, seq: seq) }
}

/// A place in the one total order: (hybrid time, origin, seq).
public struct EventPlace: Sendable, Hashable, Comparable {
    public var time: HybridTime
    public var origin: String
    public var seq: UInt64

    public init(time: HybridTime, origin: String, seq: UInt64) {
        self.time = time
        self.origin = origin
        self.seq = seq
    }

    public static func < (lhs: EventPlace, rhs: EventPlace) -> Bool {
        (lhs.time, lhs.origin, lhs.seq) < (rhs.time, rhs.origin, rhs.seq)
    }
}

extension Event {
    /// The event as a JSON object; `withChecksum: false` gives the bytes the checksum covers.
    public func jsonValue(withChecksum: Bool = true) -> JSONValue {
        var fields: [String: JSONValue] = [
            "format": .int(format),
            "origin": .string(origin),
            "seq": .int(Int(seq)),
            "clock": .object(clock.entries.mapValues { .int(Int($0)) }),
            "hlc": .array([.int(Int(time.millis)), .int(Int(time.counter))]),
            "intent": .string(intent),
            "intent_version": .int(intentVersion),
            "object": .string(object),
            "payload": payload,
            "actor": .string(actor),
            "request_id": .string(requestID),
            "prev": .string(previousHash),
        ]
        if withChecksum { fields["checksum"] = .string(checksum) }
        return .object(fields)
    }

    /// Reads an event back from its JSON object; nil names the first field that is wrong.
    public init(json: JSONValue) throws(EventDecodingError) {
        guard let fields = json.objectValue else { throw EventDecodingError(field: "(record)") }
        func string(_ key: String) throws(EventDecodingError) -> String {
            guard let value = fields[key]?.stringValue else { throw EventDecodingError(field: key) }
            return value
        }
        func int(_ key: String) throws(EventDecodingError) -> Int {
            guard case .int(let value)? = fields[key] else { throw EventDecodingError(field: key) }
            return value
        }
        guard case .array(let hlc)? = fields["hlc"], hlc.count == 2,
            case .int(let millis) = hlc[0], case .int(let counter) = hlc[1],
            counter >= 0, counter <= Int(UInt32.max)
        else { throw EventDecodingError(field: "hlc") }
        guard let clockFields = fields["clock"]?.objectValue else {
            throw EventDecodingError(field: "clock")
        }
        var clock = VectorClock()
        for (origin, value) in clockFields {
            guard case .int(let seq) = value, seq >= 0 else { throw EventDecodingError(field: "clock") }
            clock.advance(origin, to: UInt64(seq))
        }
        let seq = try int("seq")
        guard seq > 0 else { throw EventDecodingError(field: "seq") }
        self.init(
            format: try int("format"), origin: try string("origin"), seq: UInt64(seq),
            clock: clock, time: HybridTime(millis: Int64(millis), counter: UInt32(counter)),
            intent: try string("intent"), intentVersion: try int("intent_version"),
            object: try string("object"), payload: fields["payload"] ?? .null,
            actor: try string("actor"), requestID: try string("request_id"),
            previousHash: try string("prev"), checksum: try string("checksum"))
    }
}

public struct EventDecodingError: Error, Sendable, CustomStringConvertible {
    public var field: String
    public var description: String { "the field \(field) is missing or malformed" }
}
