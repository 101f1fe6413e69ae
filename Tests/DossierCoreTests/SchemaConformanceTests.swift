import DossierCore
import Foundation
import TestSupport
import Testing

/// Proves the Swift models and `schemas/` agree, with an independent validator (Python `jsonschema`,
/// Draft 2020-12): everything the code emits validates, and what the models reject the schemas reject.
@Suite(.enabled(if: PythonOracle.usable("jsonschema"), "needs python3 with jsonschema (pip install jsonschema)"))
struct SchemaConformanceTests {
    static let script = """
        import json, sys
        from pathlib import Path
        try:
            import jsonschema
        except ImportError:
            print("NO_JSONSCHEMA"); sys.exit(3)
        schemas = {}
        for p in Path(sys.argv[1]).glob("*.schema.json"):
            s = json.loads(p.read_text())
            jsonschema.Draft202012Validator.check_schema(s)
            schemas[s["title"]] = jsonschema.Draft202012Validator(s)
        out = []
        for line in Path(sys.argv[2]).read_text().splitlines():
            doc = json.loads(line)
            t = doc.get("event_type") if isinstance(doc, dict) else None
            v = schemas.get(t)
            if v is None:
                out.append("reject:unknown event_type")
                continue
            errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
            out.append("ok" if not errs else "reject:" + "/".join(str(x) for x in errs[0].path) + ":" + errs[0].message[:120])
        print(json.dumps(out))
        """

    /// Validates each document (one per line) against `schemas/`; nil when python3 or jsonschema is missing.
    static func validateWithPython(_ documents: [Data]) async throws -> [String]? {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("dossier-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/docs.jsonl"
        var joined = Data()
        for d in documents {
            joined.append(d)
            joined.append(0x0A)
        }
        try joined.write(to: URL(fileURLWithPath: input))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, SchemaEmbeddingTests.schemasDir, input]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return nil }
        async let outRead = out.readAll()
        async let errRead = err.readAll()
        let (outData, errData) = await (outRead, errRead)
        await process.exited()
        if process.terminationStatus == 3 || process.terminationStatus == 127 { return nil }
        guard process.terminationStatus == 0 else {
            Issue.record("python failed: \(String(decoding: errData, as: UTF8.self))")
            return []
        }
        return try JSONDecoder().decode([String].self, from: outData)
    }

    /// The suite only runs without the oracle under CI, where that is a failure.
    static func oracleMissing() {
        Issue.record("python3 with the jsonschema package is missing (pip install jsonschema; .ci/run installs it)")
    }

    /// Every event the emitter produces for fixtures that trigger all four types (plus edge cases) validates.
    @Test func everyEmittedEventValidatesAgainstItsSchema() async throws {
        var events = EventFixtures.allFourTypes()
        // Edge cases: null actor, empty drift lists, zero counts, unusual characters in paths.
        var dossier = EventFixtures.dossier(slug: "007-ünïcode slug/with slash")
        dossier.artifacts[5].relativePath = "docs/naïve \"quoted\"\ttab.md"
        let emitter = EventFixtures.emitter(actor: nil)
        var drift = EventFixtures.drift(slug: "007-ünïcode slug/with slash")
        drift.missingInLocal = []
        drift.missingInBaseline = []
        drift.severity = .info
        let more = emitter.events(
            for: dossier, snapshot: EventFixtures.snapshot(slug: "007-ünïcode slug/with slash"), drift: drift)
        #expect(more.rejected.isEmpty)
        events += more.events
        #expect(Set(events.map(\.eventType)) == Set(EventType.allCases))
        guard let results = try await Self.validateWithPython(events.map { $0.canonicalJSON() }) else {
            Self.oracleMissing()
            return
        }
        #expect(results.count == events.count)
        for (event, result) in zip(events, results) {
            #expect(result == "ok", "\(event.eventType.rawValue): \(result)")
        }
    }

    /// The bundled demo mission, scanned by the real scanner and emitted by the real emitter, validates too.
    @Test func demoMissionEventsValidate() async throws {
        let demo = SchemaEmbeddingTests.schemasDir.replacingOccurrences(
            of: "/schemas", with: "/assets/demo/kitty-specs")
        let state = (NSTemporaryDirectory() as NSString).appendingPathComponent("dossier-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: state) }
        let result = try ScanPipeline.run(ScanRequest(path: demo), explicitStateDirectory: state, environment: [:])
        #expect(!result.features.isEmpty)
        let emitter = EventFixtures.emitter()
        var events: [EventEnvelope] = []
        for feature in result.features {
            let emission = emitter.events(for: feature.dossier, snapshot: feature.snapshot, drift: feature.drift)
            #expect(emission.rejected.isEmpty, "\(emission.rejected)")
            events += emission.events
        }
        #expect(events.contains { $0.eventType == .artifactIndexed })
        #expect(events.contains { $0.eventType == .snapshotComputed })
        guard let results = try await Self.validateWithPython(events.map { $0.canonicalJSON() }) else {
            Self.oracleMissing()
            return
        }
        for (event, result) in zip(events, results) {
            #expect(result == "ok", "demo \(event.eventType.rawValue): \(result)")
        }
    }

    /// What the models reject, the schemas reject too (except the documented cross-field count rules, which
    /// JSON Schema cannot express: the schema must accept those, proving the exception list is exact).
    @Test func schemasRejectWhatTheModelsReject() async throws {
        let invalid = EventFixtures.invalidDocuments()
        for doc in invalid {
            #expect(throws: EventValidationError.self, "\(doc.name)") { try EventEnvelope(validating: doc.data) }
        }
        guard let results = try await Self.validateWithPython(invalid.map(\.data)) else {
            Self.oracleMissing()
            return
        }
        #expect(results.count == invalid.count)
        for (doc, result) in zip(invalid, results) {
            if doc.schemaExpressible {
                #expect(result.hasPrefix("reject"), "schema accepted '\(doc.name)', which the model rejects")
            } else {
                #expect(result == "ok", "'\(doc.name)' is documented as model-only; schema says \(result)")
            }
        }
    }

    /// What the schemas accept (variants of valid events), the models accept too.
    @Test func modelsAcceptWhatTheSchemasAccept() async throws {
        var variants: [Data] = []
        for event in EventFixtures.allFourTypes() {
            var object = EventFixtures.object(event)
            object.removeValue(forKey: "actor")
            variants.append(EventFixtures.data(object))
            object["timestamp"] = "2026-02-28T23:59:60Z"
            variants.append(EventFixtures.data(object))
            object["timestamp"] = "2026-02-28T23:59:59.123456789Z"
            variants.append(EventFixtures.data(object))
            var payload = object["payload"] as! [String: Any]
            for key in ["wp_id", "step_id", "reason_detail"] where payload[key] != nil {
                payload.removeValue(forKey: key)
            }
            object["payload"] = payload
            variants.append(EventFixtures.data(object))
        }
        guard let results = try await Self.validateWithPython(variants) else {
            Self.oracleMissing()
            return
        }
        for (data, result) in zip(variants, results) {
            #expect(result == "ok", "schema: \(result)")
            #expect(throws: Never.self) { try EventEnvelope(validating: data) }
        }
    }
}
