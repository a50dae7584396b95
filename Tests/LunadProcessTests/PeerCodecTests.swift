import LunaLog
import LunaModel
import LunaReplication
import LunaTransport
import Testing

/// Every kind of peer message survives the wire format, and a damaged one is refused
/// with a sentence rather than a crash.
struct PeerCodecTests {
    static let event = Event(
        origin: "c1", seq: 1, clock: VectorClock(), time: HybridTime(millis: 7, counter: 2), intent: "Node.update",
        intentVersion: 1, object: "n1", payload: ["group": "compute"], actor: "admin", requestID: "r", previousHash: "")

    @Test(arguments: [
        PeerMessage.Body.pull, .events([Self.event]), .treeQuery(table: "node", path: [3, 15]),
        .treeAnswer(table: "node", path: [1], hashes: ["a", "b"], rows: [:]),
        .treeAnswer(table: "node", path: [1, 2, 3], hashes: [], rows: ["n1": "d1"]),
        .rowsQuery(table: "node", keys: ["n1", "n2"]), .rowsAnswer(table: "node", rows: ["n1": #"{"a":1}"#, "n2": ""]),
        .snapshot(
            Snapshot(
                heads: ["c1": ChainHead(seq: 4, checksum: "ab")],
                last: EventPlace(time: HybridTime(millis: 9), origin: "c1", seq: 4), tables: ["node": ["n1": ["a": 1]]])),
    ])
    func aMessageComesBackAsItWasSent(body: PeerMessage.Body) throws {
        let message = PeerMessage(
            from: "c2", incarnation: 77, clock: VectorClock(["c1": 4, "c2": 9]), time: HybridTime(millis: 12, counter: 1),
            seen: HybridTime(millis: 30, counter: 4), body: body, roots: body == .pull ? ["node": "abc"] : [:],
            removing: body == .pull ? ["c3"] : [], refusing: body == .pull ? ["c3", "c4"] : [])
        #expect(try PeerCodec.decode(PeerCodec.encode(message)) == message)
    }

    @Test func aDamagedMessageIsRefusedWithASentence() {
        var bytes = PeerCodec.encode(PeerMessage(from: "c2", clock: VectorClock(), time: HybridTime(millis: 1), body: .pull))
        bytes.removeLast(3)
        #expect(throws: PeerCodec.Failure.self) { try PeerCodec.decode(bytes) }
        #expect(throws: PeerCodec.Failure.self) { try PeerCodec.decode([1, 0]) }
    }

    @Test func aPathStepOutsideTheTreeIsRefused() throws {
        let bad = PeerMessage(
            from: "c2", clock: VectorClock(), time: HybridTime(millis: 1), body: .treeQuery(table: "node", path: [16]))
        let error = #expect(throws: PeerCodec.Failure.self) { try PeerCodec.decode(PeerCodec.encode(bad)) }
        #expect(error?.description == "a peer message has a bad Merkle path")
    }

    /// A build before incarnations sends neither `incarnation` nor `seen`.
    @Test func aMessageWithoutIncarnationOrSeenReadsAsTheFirstIncarnation() throws {
        let raw = JSONValue.object(["from": "c2", "clock": [:], "hlc": [5, 0], "type": "pull"]).canonicalBytes
        let older = withUnsafeBytes(of: UInt32(raw.count).littleEndian, Array.init) + LZ4Block.compress(raw)
        let message = try PeerCodec.decode(older)
        #expect(message.incarnation == 0)
        #expect(message.seen == HybridTime(millis: 0))
    }
}
