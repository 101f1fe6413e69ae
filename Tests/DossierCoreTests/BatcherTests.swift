import Foundation
import Testing

@testable import DossierCore

@Suite struct BatcherTests {
    func item(_ n: Int, size: Int = 50) -> BatchItem {
        let text = #"{"n":\#(n),"pad":""# + String(repeating: "x", count: max(0, size - 20)) + #""}"#
        return BatchItem(eventID: "e\(n)", body: Data(text.utf8))
    }

    @Test func keepsOrderAndCapsEventCount() {
        let items = (0..<250).map { item($0) }
        let batches = Batcher().batches(items)
        #expect(batches.map(\.items.count) == [100, 100, 50])
        #expect(batches.flatMap(\.eventIDs) == items.map(\.eventID))
    }

    @Test func capsBodyBytesAndSplicesEnvelopesVerbatim() throws {
        let items = (0..<40).map { item($0, size: 1000) }
        let batcher = Batcher(maxEvents: 100, maxBytes: 10_000)
        let batches = batcher.batches(items)
        #expect(batches.count > 3)
        for batch in batches {
            #expect(batch.body.count <= 10_000)
            let object = try #require(try JSONSerialization.jsonObject(with: batch.body) as? [String: Any])
            #expect(object["batch_id"] as? String == batch.id)
            #expect((object["events"] as? [Any])?.count == batch.items.count)
            // The raw bytes of each envelope appear unchanged in the body.
            for it in batch.items { #expect(batch.body.range(of: it.body) != nil) }
        }
        #expect(batches.flatMap(\.eventIDs) == items.map(\.eventID))
    }

    @Test func oversizedEventTravelsAlone() {
        let items = [item(1), item(2, size: 5000), item(3)]
        let batches = Batcher(maxEvents: 100, maxBytes: 1000).batches(items)
        #expect(batches.map(\.eventIDs) == [["e1"], ["e2"], ["e3"]])
    }

    @Test func batchIDIsStableForTheSameEventsAndHalvesWork() throws {
        let items = (0..<5).map { item($0) }
        let a = DeliveryBatch(items: items)
        let b = DeliveryBatch(items: items)
        #expect(a.id == b.id && a.body == b.body)
        #expect(a.id != DeliveryBatch(items: Array(items.dropLast())).id)
        #expect(a.id.count == Batcher.idLength)
        let (l, r) = try #require(a.halves())
        #expect(l.eventIDs == ["e0", "e1"] && r.eventIDs == ["e2", "e3", "e4"])
        #expect(DeliveryBatch(items: [items[0]]).halves() == nil)
        #expect(Batcher().batches([]).isEmpty)
    }
}
