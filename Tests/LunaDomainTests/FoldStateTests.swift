import LunaDomain
import LunaModel
import Testing

/// The state compaction folds, taken from the live state by its undo records.
struct FoldStateTests {
    @Test func aSettledIntentKeepsItsRecordUntilFoldedAndIsNeverTakenBack() throws {
        var h = Harness.basic()
        let base = h.state
        for (index, name) in ["n1", "n2", "n3"].enumerated() {
            let payload = try Harness.prepare("Node.update", name, ["group": "compute", "comment": .string("\(index)")])
            _ = IntentRegistry.current.apply(h.event("Node.update", name, payload), to: &h.state, tentative: true)
        }
        h.state.settleTentative(2)
        #expect(h.state.tentativeCount == 1)
        #expect(h.state.journaledCount == 3)

        let folded = h.state.before(newest: 2)
        #expect(folded.row(.node, "n1") != nil && folded.row(.node, "n2") == nil && folded.row(.node, "n3") == nil)
        #expect(h.state.row(.node, "n3") != nil, "the live state is untouched")
        #expect(h.state.before(newest: 3).rows(.node) == base.rows(.node))

        h.state.undoTentative()
        #expect(h.state.row(.node, "n2") != nil && h.state.row(.node, "n3") == nil, "settled intents stay")
        #expect(h.state.journaledCount == 2)
        h.state.foldSettled(1)
        #expect(h.state.journaledCount == 1)
        #expect(h.state.before(newest: 1).row(.node, "n1") != nil)
        #expect(h.state.before(newest: 1).row(.node, "n2") == nil)
    }
}
