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
