import LunaLog
import LunaModel
import Testing

@Suite("Event records")
struct EventCodingTests {
    static func event() -> Event {
        Event(
            origin: "c1", seq: 7, clock: VectorClock(["c1": 6, "c2": 3]), time: HybridTime(millis: 1_700_000_000_000, counter: 2),
            intent: "Node.update", intentVersion: 1, object: "n1", payload: .object(["group": .string("compute")]),
            actor: "root", requestID: "req-1", previousHash: "abc", checksum: "def")
    }

    @Test func eventRoundTripsThroughJSON() throws {
        let event = Self.event()
        let text = event.jsonValue().canonicalText
        #expect(try Event(json: JSONParser.parse(text)) == event)
    }

    @Test func checksumCoversEveryField() {
        let event = Self.event()
        let base = EventCodec.checksum(of: event)
        #expect(base.count == 64)
        #expect(EventCodec.checksum(of: event) == base)
        var changed = event
        changed.checksum = "other"  // not covered by itself
        #expect(EventCodec.checksum(of: changed) == base)
        let edits: [(inout Event) -> Void] = [
            { $0.seq += 1 }, { $0.origin = "c2" }, { $0.object = "n2" }, { $0.actor = "x" }, { $0.requestID = "y" },
            { $0.previousHash = "z" }, { $0.time.counter += 1 }, { $0.clock.advance("c3", to: 1) },
            { $0.payload = .object(["group": .string("gpu")]) }, { $0.intentVersion = 2 }, { $0.intent = "Node.delete" },
        ]
        for edit in edits {
            var other = event
            edit(&other)
            #expect(EventCodec.checksum(of: other) != base)
        }
    }

    @Test(arguments: [
        "seq", "origin", "intent", "intent_version", "object", "actor", "request_id", "prev", "checksum", "format", "hlc",
        "clock",
    ])
    func missingFieldIsNamed(field: String) throws {
        guard case .object(var fields) = Self.event().jsonValue() else { Issue.record("not an object"); return }
        fields[field] = nil
        let error = #expect(throws: EventDecodingError.self) { try Event(json: .object(fields)) }
        #expect(error?.field == field)
    }

    @Test func seqZeroAndNegativeCounterAreRefused() throws {
        guard case .object(var fields) = Self.event().jsonValue() else { Issue.record("not an object"); return }
        fields["seq"] = .int(0)
        #expect(throws: EventDecodingError.self) { try Event(json: .object(fields)) }
        fields["seq"] = .int(1)
        fields["hlc"] = .array([.int(1), .int(-1)])
        #expect(throws: EventDecodingError.self) { try Event(json: .object(fields)) }
    }

    /// A record from a peer with an HLC counter above UInt32.max must be refused with an
    /// EventDecodingError; `UInt32(counter)` in Event(json:) traps instead, killing the process.
    @Test func oversizedHlcCounterIsAnErrorNotACrash() async {
        await #expect(processExitsWith: .success) {
            let json = JSONValue.object([
                "format": .int(1), "origin": .string("c1"), "seq": .int(1), "clock": .object([:]),
                "hlc": .array([.int(1), .int(4_294_967_296)]), "intent": .string("Node.update"),
                "intent_version": .int(1), "object": .string("n1"), "payload": .object([:]),
                "actor": .string("a"), "request_id": .string("r"), "prev": .string(""), "checksum": .string(""),
            ])
            _ = try? Event(json: json)
        }
    }

    @Test func eventIDParsesWhatItPrints() {
        #expect(EventID("c1:42") == EventID(origin: "c1", seq: 42))
        #expect(EventID("ctl:a:7")?.origin == "ctl:a")
        #expect(EventID(origin: "c1", seq: 3).description == "c1:3")
        for bad in ["c1", ":4", "c1:", "c1:-1", "c1:x"] { #expect(EventID(bad) == nil, "\(bad)") }
    }
}
