import LunaModel
import Testing

@testable import LunaLog

/// Replay verifies checksums over the stored bytes; that must agree with the checksum
/// defined over the canonical event, whatever the strings inside contain.
@Suite("Record checksums")
struct RecordChecksumTests {
    @Test(arguments: ["root", #"x","checksum":"0000"#, #"\","checksum\":\""#, "ünïcode ✓", "line\nbreak"])
    func recordChecksumEqualsTheCanonicalOne(actor: String) {
        var event = EventCodingTests.event()
        event.actor = actor
        event.payload = .object(["comment": .string(#"","checksum":""# + actor)])
        event.checksum = EventCodec.checksum(of: event)
        #expect(EventCodec.checksum(ofRecord: EventCodec.encode(event)) == event.checksum)
    }

    /// What the scanner checks: a record whose bytes changed anywhere, checksum field
    /// included, either no longer reads as an event or no longer matches its checksum.
    @Test func anyChangedByteIsCaught() {
        var event = EventCodingTests.event()
        event.checksum = EventCodec.checksum(of: event)
        let record = EventCodec.encode(event)
        for index in record.indices {
            var changed = record
            changed[index] ^= 0x01
            guard let decoded = try? EventCodec.decode(changed) else { continue }
            #expect(EventCodec.checksum(ofRecord: changed) != decoded.checksum, "a flip at byte \(index) went unnoticed")
        }
    }
}
