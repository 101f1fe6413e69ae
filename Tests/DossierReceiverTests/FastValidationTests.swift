import DossierCore
import Foundation
import Testing

@testable import DossierReceiver

/// The receiver's fast event decoder against the full validator: every envelope it decodes is the one
/// `EventEnvelope(validating:)` builds, whatever it is fed; canonical events never fall back; invalid events get
/// exactly the validator's message.
@Suite struct FastValidationTests {
    static func slow(_ data: Data) -> Result<EventEnvelope, EventValidationError> {
        do throws(EventValidationError) { return .success(try EventEnvelope(validating: data)) } catch {
            return .failure(error)
        }
    }

    static func corpus() -> [Data] {
        var events = EventFactory.events(count: 16)
        events += ScanFixtures.scan(
            slug: "ünïcödé ✓ feature",
            files: [
                ("tâches/WP01 — plan.md", ScanFixtures.hash("x")),
                ("spec.md", "0" + String(repeating: "a", count: 63)),
            ],
            absentRequired: ["plan.md"], start: Date())
        var canonical = events.map { $0.canonicalJSON() }
        // Other layouts of valid events: key order, whitespace, explicit and absent optionals.
        canonical += [
            #"""
            { "payload" : { "step_id":null, "required_status":"optional", "wp_id":"WP01", "size_bytes":0,
              "relative_path":"a.md", "feature_slug":"f", "content_hash_sha256":"\#(String(repeating: "b", count: 64))",
              "artifact_key":"a", "artifact_class":"output" },
              "timestamp":"2026-12-01T10:00:00Z", "event_id":"0b0e6a7e-1c1d-4c9e-9a7e-2f3d4c5b6a79",
              "event_type":"mission_dossier_artifact_indexed" }
            """#,
            #"{"event_type":"mission_dossier_artifact_missing","event_id":"0b0e6a7e-1c1d-4c9e-9a7e-2f3d4c5b6a70","#
                + #""timestamp":"2026-12-01T10:00:00.123456789Z","actor":"me","payload":{"feature_slug":"f","#
                + #""artifact_key":"spec","artifact_class":"input","expected_path_pattern":"spec.md","#
                + #""reason_code":"not_found","blocking":false}}"#,
        ].map { Data($0.utf8) }
        return canonical
    }

    @Test func canonicalEventsDecodeFastAndIdentically() throws {
        for data in Self.corpus() {
            let shown = String(decoding: data, as: UTF8.self)
            let fast = try #require(FastEventDecoder.decode(data), "fell back on \(shown)")
            #expect(Self.slow(data) == .success(fast))
        }
    }

    /// Shapes the fast decoder leaves to the validator (which accepts them): same envelope either way.
    @Test func escapesAndNumberSpellingsFallBackToTheValidator() throws {
        let base = String(decoding: try #require(EventFactory.events(count: 1).first).canonicalJSON(), as: UTF8.self)
        let variants = [
            base.replacingOccurrences(of: #""size_bytes":0"#, with: #""size_bytes":0.0"#),
            base.replacingOccurrences(of: #""size_bytes":0"#, with: #""size_bytes":0e0"#),
            base.replacingOccurrences(of: "docs/f0.md", with: #"docs\/f0.md"#),
            base.replacingOccurrences(of: "docs/f0.md", with: #"docs/f\u0030.md"#),
        ]
        for v in variants {
            let data = Data(v.utf8)
            #expect(FastEventDecoder.decode(data) == nil, "\(v)")
            #expect(try EventValidation.envelope(data) == (try EventEnvelope(validating: data)))
        }
    }

    /// About 2,000 seeded mutations (byte flips, deletions, insertions of JSON punctuation, truncations, repeated
    /// members): whenever the fast decoder answers, the validator agrees exactly; invalid events carry the
    /// validator's message through `EventValidation`.
    @Test func mutationsNeverMakeTheFastPathDisagree() throws {
        var rng = OrderIndependentReductionTests.SeededGenerator(state: 12)
        let punctuation = Array(#"{}[]:,"\ 0123456789-.eE+tfnul"#.utf8) + [0x00, 0x7F, 0xC3, 0xA9, 0xFF, 0x0A]
        var fastAnswers = 0
        for base in Self.corpus() {
            for _ in 0..<80 {
                var bytes = [UInt8](base)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0:
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = punctuation.randomElement(using: &rng)!
                case 1: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
                case 2:
                    bytes.insert(
                        punctuation.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
                case 3: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
                default:
                    // Repeat a member: `"key":value,` copied right after itself.
                    let text = String(decoding: bytes, as: UTF8.self)
                    if let comma = text.firstIndex(of: ","), let open = text.firstIndex(of: "{") {
                        let member = text[text.index(after: open)...comma]
                        bytes = Array((String(text[...open]) + member + text[text.index(after: open)...]).utf8)
                    }
                }
                let data = Data(bytes)
                let slow = Self.slow(data)
                if let fast = FastEventDecoder.decode(data) {
                    fastAnswers += 1
                    #expect(slow == .success(fast), "\(String(decoding: data, as: UTF8.self))")
                }
                if case .failure(let expected) = slow {
                    #expect(throws: expected) { try EventValidation.envelope(data) }
                }
            }
        }
        #expect(fastAnswers > 20, "the mutations include still-valid events the fast path decodes")
    }
}
