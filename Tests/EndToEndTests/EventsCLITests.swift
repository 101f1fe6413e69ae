import DossierCore
import Foundation
import Testing

/// `dossier events validate|schemas|schema` with the real binary.
@Suite struct EventsCLITests {
    static func sampleLines() async throws -> [String] {
        let dir = try QueueE2E.tempDir("evs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try await QueueE2E.run(
            ["stress-append", "--count", "2", "--state-dir", dir], executable: QueueE2E.bench)
        let raw = try await QueueE2E.run(["queue", "list", "--raw", "--state-dir", dir])
        return raw.stdout.split(separator: "\n").map(String.init)
    }

    func write(_ text: String, _ name: String, in dir: String) -> String {
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func validFilesInAllThreeShapes() async throws {
        let dir = try QueueE2E.tempDir("evv")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try await Self.sampleLines()
        #expect(lines.count == 3)
        let jsonl = write(lines.joined(separator: "\n") + "\n\n", "a.jsonl", in: dir)
        let array = write("[\n" + lines.joined(separator: ",\n") + "\n]", "b.json", in: dir)
        let pretty = try JSONSerialization.data(
            withJSONObject: try JSONSerialization.jsonObject(with: Data(lines[0].utf8)), options: [.prettyPrinted])
        let single = write(String(decoding: pretty, as: UTF8.self), "c.json", in: dir)
        for (path, count) in [(jsonl, 3), (array, 3), (single, 1)] {
            let r = try await QueueE2E.run(["events", "validate", path])
            #expect(r.status == 0, "\(path): \(r.stderr)")
            #expect(r.stdout.contains("\(count) event"), "\(r.stdout)")
        }
    }

    @Test func invalidEventsExit2WithOneLineEachNamingLineAndField() async throws {
        let dir = try QueueE2E.tempDir("evi")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try await Self.sampleLines()
        let badHash = lines[0].replacingOccurrences(
            of: "\"content_hash_sha256\":\"", with: "\"content_hash_sha256\":\"Z")
        let unknown = lines[1].replacingOccurrences(of: "\"payload\":{", with: "\"payload\":{\"colour\":\"red\",")
        let truncated = String(lines[2].prefix(40))
        let path = write([badHash, lines[1], unknown, truncated].joined(separator: "\n"), "bad.jsonl", in: dir)
        let r = try await QueueE2E.run(["events", "validate", path])
        #expect(r.status == 2)
        let errs = r.stderr.split(separator: "\n").map(String.init)
        #expect(errs.count == 4, "\(r.stderr)")
        #expect(errs[0].contains("line 1:") && errs[0].contains("payload.content_hash_sha256"))
        #expect(errs[1].contains("line 3:") && errs[1].contains("unknown field 'payload.colour'"))
        #expect(errs[2].contains("line 4:") && errs[2].contains("malformed JSON"))
        #expect(errs[3].contains("3 of 4 events invalid"))

        let arrayPath = write(
            "[" + lines[0] + "," + lines[1].replacingOccurrences(of: "\"output\"", with: "7") + "]",
            "bad.json", in: dir)
        let a = try await QueueE2E.run(["events", "validate", arrayPath])
        #expect(a.status == 2)
        #expect(a.stderr.contains("index 1:") && a.stderr.contains("payload.artifact_class"), "\(a.stderr)")

        let missing = try await QueueE2E.run(["events", "validate", dir + "/nope.json"])
        #expect(missing.status == 2 && missing.stderr.contains("cannot read"))
        let empty = try await QueueE2E.run(["events", "validate", write("", "empty.json", in: dir)])
        #expect(empty.status == 2 && empty.stderr.contains("no events"))
    }

    @Test func schemasArePrintedFromAnyDirectory() async throws {
        let dir = try QueueE2E.tempDir("evsch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let list = try await QueueE2E.run(["events", "schemas"], cwd: dir)
        #expect(list.status == 0)
        for type in EventType.allCases { #expect(list.stdout.contains(type.rawValue)) }
        for type in EventType.allCases {
            let r = try await QueueE2E.run(["events", "schema", type.rawValue], cwd: dir)
            #expect(r.status == 0)
            let file = QueueE2E.repositoryRoot + "/schemas/\(type.rawValue).schema.json"
            #expect(r.stdoutData == FileManager.default.contents(atPath: file))
        }
        let bad = try await QueueE2E.run(["events", "schema", "nope"], cwd: dir)
        #expect(bad.status == 2 && bad.stderr.contains("unknown event type 'nope'"))
    }
}
