import DossierCore
import Foundation
import Testing

@Suite struct SchemaEmbeddingTests {
    static let schemasDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas").path

    @Test func embeddedSchemasMatchTheFilesInSchemas() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.schemasDir)
            .filter { $0.hasSuffix(".schema.json") }.sorted()
        #expect(names == EmbeddedSchemas.files.map(\.name), "run scripts/embed-schemas.sh")
        for file in EmbeddedSchemas.files {
            let onDisk = try String(contentsOfFile: Self.schemasDir + "/" + file.name, encoding: .utf8)
            #expect(
                onDisk == file.contents, "\(file.name) differs from the embedded copy: run scripts/embed-schemas.sh")
        }
    }

    @Test func oneSchemaPerEventTypeWithClosedObjects() throws {
        for type in EventType.allCases {
            let text = try #require(EventSchemas.schema(for: type))
            let schema = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            #expect(schema["additionalProperties"] as? Bool == false)
            let props = try #require(schema["properties"] as? [String: Any])
            let payload = try #require(props["payload"] as? [String: Any])
            #expect(payload["additionalProperties"] as? Bool == false)
            #expect((props["event_type"] as? [String: Any])?["const"] as? String == type.rawValue)
        }
        #expect(EventSchemas.schema(named: "artifact_missing")?.type == .artifactMissing)
        #expect(EventSchemas.schema(named: "mission_dossier_snapshot_computed.schema.json")?.type == .snapshotComputed)
        #expect(EventSchemas.schema(named: "nope") == nil)
    }

    /// The payload fields of each schema are exactly the keys the model writes.
    @Test func schemaFieldsAndRequiredSetsMatchTheModels() throws {
        for event in EventFixtures.allFourTypes() {
            let text = try #require(EventSchemas.schema(for: event.eventType))
            let schema = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let props = try #require(schema["properties"] as? [String: Any])
            let payloadSchema = try #require(props["payload"] as? [String: Any])
            let payloadProps = try #require(payloadSchema["properties"] as? [String: Any])
            let object = EventFixtures.object(event)
            let payload = try #require(object["payload"] as? [String: Any])
            #expect(Set(payloadProps.keys) == Set(payload.keys), "\(event.eventType)")
            #expect(Set(props.keys) == Set(object.keys))
            // Required = every field except the nullable optionals.
            let nullable: Set<String> = ["wp_id", "step_id", "reason_detail"]
            let required = Set(payloadSchema["required"] as? [String] ?? [])
            #expect(required == Set(payload.keys).subtracting(nullable), "\(event.eventType)")
        }
    }
}
