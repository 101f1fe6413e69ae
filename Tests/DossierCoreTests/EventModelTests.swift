import DossierCore
import Foundation
import Testing

@Suite struct EventModelTests {
    @Test func canonicalJSONIsSortedCompactWithExplicitNulls() throws {
        let event = EventFixtures.event(.artifactIndexed)
        let text = String(decoding: event.canonicalJSON(), as: UTF8.self)
        #expect(
            text == """
                {"actor":"tester","event_id":"00000000-0000-4000-8000-000000000001",\
                "event_type":"mission_dossier_artifact_indexed","payload":{"artifact_class":"input",\
                "artifact_key":"spec","content_hash_sha256":"\(EventFixtures.hashA)",\
                "feature_slug":"042-user-login","relative_path":"spec.md","required_status":"required",\
                "size_bytes":120,"step_id":"specify","wp_id":null},"timestamp":"2026-11-24T18:00:00.123Z"}
                """)
    }

    @Test func nullActorAndSlashesAreWrittenPlainly() throws {
        var event = EventFixtures.event(.artifactMissing)
        event.actor = nil
        let text = String(decoding: event.canonicalJSON(), as: UTF8.self)
        #expect(text.contains("\"actor\":null"))
        #expect(text.contains("\"expected_path_pattern\":\"plan.md\""))
        let wp = EventFixtures.event(.artifactIndexed)
        #expect(!String(decoding: wp.canonicalJSON(), as: UTF8.self).contains("\\/"))
    }

    @Test(arguments: EventType.allCases)
    func everyTypeRoundTripsThroughValidatingDecode(type: EventType) throws {
        let event = EventFixtures.event(type)
        let decoded = try EventEnvelope(validating: event.canonicalJSON())
        #expect(decoded == event)
        #expect(decoded.canonicalJSON() == event.canonicalJSON())
        #expect(decoded.eventType == type)
    }

    @Test func absentOptionalFieldsDecodeAsNull() throws {
        var object = EventFixtures.object(EventFixtures.event(.artifactIndexed))
        var payload = object["payload"] as! [String: Any]
        payload.removeValue(forKey: "wp_id")
        payload.removeValue(forKey: "step_id")
        object["payload"] = payload
        object.removeValue(forKey: "actor")
        let decoded = try EventEnvelope(validating: EventFixtures.data(object))
        guard case .artifactIndexed(let p) = decoded.payload else {
            Issue.record("wrong payload")
            return
        }
        #expect(p.wpID == nil && p.stepID == nil && decoded.actor == nil)
    }

    @Test func everyInvalidDocumentIsRejectedNamingItsField() {
        let invalid = EventFixtures.invalidDocuments()
        #expect(invalid.count > 30)
        for doc in invalid {
            do {
                _ = try EventEnvelope(validating: doc.data)
                Issue.record("\(doc.name): accepted")
            } catch {
                #expect(error.field == doc.field, "\(doc.name): \(error)")
                #expect(error.description.contains(doc.field), "\(doc.name): \(error)")
                #expect(!error.description.contains("\n"))
            }
        }
    }

    @Test func errorNamesTypeFieldAndValue() {
        let doc = EventFixtures.invalidDocuments().first { $0.name == "negative size" }!
        do {
            _ = try EventEnvelope(validating: doc.data)
            Issue.record("accepted")
        } catch {
            #expect(error.eventType == EventType.artifactIndexed.rawValue)
            #expect(error.kind == .invalidValue)
            #expect(error.value == "-1")
            #expect(
                error.description
                    == "event mission_dossier_artifact_indexed: field 'payload.size_bytes': expected an integer >= 0, got -1"
            )
        }
    }

    @Test func truncatedAndNonObjectJSONAreRejected() {
        let bytes = EventFixtures.event(.snapshotComputed).canonicalJSON()
        for data in [bytes.prefix(bytes.count / 2), Data(), Data("[]".utf8), Data("null".utf8), Data([0xFF, 0xFE])] {
            do {
                _ = try EventEnvelope(validating: Data(data))
                Issue.record("accepted \(data.count) bytes")
            } catch {
                #expect(error.kind == .malformedJSON || error.kind == .wrongType, "\(error)")
            }
        }
    }

    @Test func validateCatchesBadTypedValues() {
        var event = EventFixtures.event(.snapshotComputed)
        guard case .snapshotComputed(var p) = event.payload else { return }
        p.artifactCounts.requiredMissing = 0
        event.payload = .snapshotComputed(p)
        #expect(throws: EventValidationError.self) { try event.validate() }
        var bad = EventFixtures.event(.artifactIndexed)
        bad.timestamp = "2026-11-24 18:00:00"
        #expect(throws: EventValidationError.self) { try bad.validate() }
    }

    @Test func decodableConformanceValidatesToo() throws {
        let good = EventFixtures.event(.parityDriftDetected).canonicalJSON()
        let decoded = try JSONDecoder().decode(EventEnvelope.self, from: good)
        #expect(decoded == EventFixtures.event(.parityDriftDetected))
        let bad = EventFixtures.invalidDocuments().first { $0.name == "bad severity" }!.data
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EventEnvelope.self, from: bad) }
    }

    @Test func timestampsAreRFC3339UTCWithMilliseconds() {
        let cases: [(Double, String)] = [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_795_543_200.123, "2026-11-24T18:00:00.123Z"),
            (951_782_400, "2000-02-29T00:00:00.000Z"),
            (4_107_542_399.999, "2100-02-28T23:59:59.999Z"),
            (-0.5, "1969-12-31T23:59:59.500Z"),
        ]
        for (seconds, expected) in cases {
            #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: seconds)) == expected)
        }
    }

    @Test func generatedIDsAndTimesAreValid() throws {
        let emitter = EventEmitter(actor: nil, logger: .init(label: "t"))
        let result = emitter.events(
            for: EventFixtures.dossier(), snapshot: EventFixtures.snapshot(), drift: nil)
        let ids = Set(result.events.map(\.eventID))
        #expect(ids.count == result.events.count)
        for event in result.events {
            #expect(event.eventID == event.eventID.lowercased())
            #expect(UUID(uuidString: event.eventID) != nil)
            #expect(event.timestamp.hasSuffix("Z"))
            _ = try EventEnvelope(validating: event.canonicalJSON())
        }
    }
}

@Suite struct EventCanonicalBytesTests {
    static let tricky: String = {
        var s = "a/b \"q\" \\ é ü 😀 \u{2028}\u{7F}\u{FEFF} "
        for i in 0..<0x20 { s.unicodeScalars.append(Unicode.Scalar(UInt8(i))) }
        return s
    }()

    @Test func fastWriterMatchesJSONEncoderByteForByte() {
        var events = EventFixtures.allFourTypes()
        var dossier = EventFixtures.dossier(slug: Self.tricky)
        for i in dossier.artifacts.indices {
            dossier.artifacts[i].key += Self.tricky
            dossier.artifacts[i].relativePath = Self.tricky + dossier.artifacts[i].relativePath
        }
        dossier.artifacts[3].anomaly?.detail = Self.tricky
        var drift = EventFixtures.drift(slug: Self.tricky)
        drift.missingInLocal = [Self.tricky, "x"]
        drift.missingInBaseline = []
        events +=
            EventFixtures.emitter(actor: Self.tricky).events(
                for: dossier, snapshot: EventFixtures.snapshot(slug: Self.tricky), drift: drift
            ).events
        events +=
            EventFixtures.emitter(actor: nil).events(
                for: EventFixtures.dossier(), snapshot: EventFixtures.snapshot(), drift: nil
            ).events
        #expect(events.count > 12)
        for event in events {
            #expect(event.canonicalJSON() == event.canonicalJSONViaEncoder(), "\(event.eventType)")
        }
    }
}

@Suite struct EventErrorMessageTests {
    @Test func controlCharactersInValuesKeepTheMessageOnOneLine() {
        var object = EventFixtures.object(EventFixtures.event(.artifactIndexed))
        var payload = object["payload"] as! [String: Any]
        payload["content_hash_sha256"] = "bad\nhash\t"
        object["payload"] = payload
        do {
            _ = try EventEnvelope(validating: EventFixtures.data(object))
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains(#""bad\nhash\t""#), "\(error)")
        }
    }
}
