import Foundation
import Testing

@testable import DossierCore

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

    @Test func stringsThatLookLikeStructureAndDeepNestingAreWalkedRight() {
        // Quotes, braces and colons inside strings, escaped quotes, values after keys of every kind.
        let tricky = Data(#"{"a":"{\"k\":1}","b":[1,true,null,-2.5e3,"x:y"],"c":{"d":{"e":"\\"},"f":"]"}}"#.utf8)
        #expect(DuplicateKeyScanner.firstDuplicate(in: tricky) == nil)
        let deep = Data(
            (String(repeating: #"{"n":"#, count: 50_000) + #"{"k":1,"k":2}"# + String(repeating: "}", count: 50_001))
                .utf8)
        let found = DuplicateKeyScanner.firstDuplicate(in: deep)
        #expect(found?.key == "k")
        #expect(found?.path.hasPrefix("n.n.n") == true)
        // Not JSON at all: no answer, no crash.
        #expect(DuplicateKeyScanner.firstDuplicate(in: Data(#"{"a":"unterminated"#.utf8)) == nil)
        #expect(DuplicateKeyScanner.firstDuplicate(in: Data([0xFF, 0x22, 0x3A])) == nil)
    }
}
