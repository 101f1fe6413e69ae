import DossierCore
import Foundation
import Testing

@testable import DossierReceiver

@Suite struct ReceiverBatchParserTests {
    @Test func splitsEventsVerbatimWhateverTheLayout() throws {
        let a = #"{"x":"a \"quoted\" ] } , string","y":[1,{"z":[]}]}"#
        let b = #"{"k":"é 💥"}"#
        let body = " { \"other\" : {\"n\": [1,2]}, \"events\" : [ \(a) ,\n\(b) ], \"batch_id\": \"b_1\" } "
        let batch = try BatchParser.parse(Data(body.utf8))
        #expect(batch.batchID == "b_1")
        #expect(batch.events == [Data(a.utf8), Data(b.utf8)])
        #expect(try BatchParser.parse(Data(#"{"batch_id":"x","events":[]}"#.utf8)).events.isEmpty)
    }

    @Test func rejectsWhatIsNotABatch() {
        for body in [
            "", "[]", #"{"events":[]}"#, #"{"batch_id":"x"}"#, #"{"batch_id":1,"events":[]}"#,
            #"{"batch_id":"x","events":{}}"#, #"{"batch_id":"x","events":[{"a":1}]"#,
            #"{"batch_id":"x","events":[]} x"#,
        ] {
            #expect(throws: BatchParseError.self, "\(body)") { try BatchParser.parse(Data(body.utf8)) }
        }
    }
}

@Suite struct ReceiverFaultInjectionTests {
    @Test func statusSequenceComesFirstThenSeededFaults() {
        let f = FaultInjector(FaultConfiguration(statusSequence: [500, 429, 503], retryAfter: 7))
        #expect(f.nextAction() == .answer(status: 500, retryAfter: nil))
        #expect(f.nextAction() == .answer(status: 429, retryAfter: 7))
        #expect(f.nextAction() == .answer(status: 503, retryAfter: 7))
        #expect((0..<100).allSatisfy { _ in f.nextAction() == .proceed })
    }

    @Test func ratesAreRoughlyHonouredAndReproducible() {
        let config = FaultConfiguration(failRate: 0.3, retryAfter: 1, dropConnectionRate: 0.1, seed: 9)
        let a = FaultInjector(config)
        let b = FaultInjector(config)
        let runA = (0..<10_000).map { _ in a.nextAction() }
        let runB = (0..<10_000).map { _ in b.nextAction() }
        #expect(runA == runB)
        let drops = runA.filter { $0 == .dropConnection }.count
        let failures = runA.filter { if case .answer = $0 { true } else { false } }.count
        let throttled = runA.filter { $0 == .answer(status: 429, retryAfter: 1) }.count
        #expect((800...1200).contains(drops))
        #expect((2300...3100).contains(failures))
        #expect(throttled > 300)
        let other = FaultInjector(FaultConfiguration(failRate: 0.3, dropConnectionRate: 0.1, seed: 10))
        #expect((0..<100).map { _ in other.nextAction() } != Array(runA.prefix(100)))
    }
}

@Suite struct ReceiverResultsBodyTests {
    /// The directly written answer is byte for byte what JSONEncoder (sorted keys, slashes unescaped) writes.
    @Test func sameBytesAsJSONEncoder() throws {
        let ids: [String?] = [
            "0b0e6a7e-1c1d-4c9e-9a7e-2f3d4c5b6a79", nil, "with \"quote\" and \\ and /", "tab\there é 💥", "x\u{7F}",
            "plain",
        ]
        let verdicts: [ReceiverVerdict] = [
            .accepted, .accepted, .rejected("invalid event: payload.size_bytes: \"x\" / expected \u{1}"), .duplicate,
            .rejected(""), .duplicate,
        ]
        var expected: [[String: String]] = []
        for (id, verdict) in zip(ids, verdicts) {
            guard let id else { continue }
            switch verdict {
            case .accepted: expected.append(["event_id": id, "status": "accepted"])
            case .duplicate: expected.append(["event_id": id, "status": "duplicate"])
            case .rejected(let reason): expected.append(["event_id": id, "status": "rejected", "reason": reason])
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let written = try ResultsBody.encode(ids: ids, verdicts: verdicts)
        #expect(String(decoding: written, as: UTF8.self)
            == String(decoding: try encoder.encode(["results": expected]), as: UTF8.self))
        #expect(try ResultsBody.encode(ids: [], verdicts: []) == Data(#"{"results":[]}"#.utf8))
    }
}
