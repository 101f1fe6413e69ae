@testable import DossierCore
import Foundation
import Testing

@Suite struct DuplicateKeyTests {
    private func body(of event: EventEnvelope) -> String { String(decoding: event.canonicalJSON(), as: UTF8.self) }

    @Test func canonicalEventsHaveNoDuplicates() throws {
        for event in EventFixtures.allFourTypes() {
            #expect(try EventEnvelope(validating: event.canonicalJSON()) == event)
        }
    }

    @Test func duplicateTopLevelKeyIsRejectedWithItsName() throws {
        let event = EventFixtures.allFourTypes()[0]
        let text = body(of: event).replacingOccurrences(of: "{\"actor\"", with: "{\"actor\":\"x\",\"actor\"")
        #expect(text != body(of: event))
        do {
            _ = try EventEnvelope(validating: Data(text.utf8))
            Issue.record("duplicate key accepted")
        } catch {
            #expect(error.field == "actor")
            #expect(error.description.contains("actor"))
        }
    }

    @Test func duplicateNestedKeyIsRejectedEvenWhenEscaped() throws {
        let event = EventFixtures.allFourTypes()[0]
        // "\u0066eature_slug" is "feature_slug" spelled with an escape.
        let text = body(of: event).replacingOccurrences(
            of: "\"payload\":{", with: "\"payload\":{\"\\u0066eature_slug\":\"other\",")
        do {
            _ = try EventEnvelope(validating: Data(text.utf8))
            Issue.record("duplicate nested key accepted")
        } catch {
            #expect(error.field == "payload.feature_slug")
        }
    }

    @Test func sameKeyInSiblingObjectsIsFineButNotTwiceInOne() {
        let siblings = Data(#"{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}],"s":"k:"}"#.utf8)
        #expect(DuplicateKeyScanner.firstDuplicate(in: siblings) == nil)
        let twice = Data(#"{"a":{"k":1},"c":[{"k":1},{"k":2,"k":3}]}"#.utf8)
        let found = DuplicateKeyScanner.firstDuplicate(in: twice)
        #expect(found?.key == "k")
        #expect(found?.path == "c[1]")
    }
}
