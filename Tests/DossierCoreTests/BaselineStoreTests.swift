import Foundation
import Testing

@testable import DossierCore

@Suite struct BaselineStoreTests {
    @Test func saveLoadRoundTripWithOwnerOnlyPermissions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = BaselineStore(stateDirectory: dir + "/state")
        #expect(try store.load(featureSlug: "001-x", missionType: "software-dev") == nil)
        let b = Baseline(
            featureSlug: "001-x", missionType: "soft/ware", parityHashSHA256: ParityHash.empty,
            entries: [
                BaselineEntry(
                    key: "spec", relativePath: "spec.md", contentHashSHA256: ParityHash.empty,
                    requiredStatus: .required)
            ],
            acceptedAt: "2026-01-01T00:00:00Z", source: "local")
        try store.save(b)
        try store.save(b)  // overwrite is atomic and fine
        #expect(try store.load(featureSlug: "001-x", missionType: "soft/ware") == b)
        let path = store.path(featureSlug: "001-x", missionType: "soft/ware")
        #expect(path.hasSuffix("/baselines/001-x--soft%2Fware.json"))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(
            try FileManager.default.attributesOfItem(atPath: dir + "/state/baselines")[.posixPermissions] as? Int
                == 0o700)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir + "/state/baselines") == ["001-x--soft%2Fware.json"]
        )
    }

    @Test func malformedFileNamesPathAndField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-bad-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = BaselineStore(stateDirectory: dir)
        try FileManager.default.createDirectory(atPath: dir + "/baselines", withIntermediateDirectories: true)
        try Data(#"{"feature_slug": "001-x"}"#.utf8).write(
            to: URL(fileURLWithPath: store.path(featureSlug: "001-x", missionType: "m")))
        do {
            _ = try store.load(featureSlug: "001-x", missionType: "m")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("001-x--m.json") && "\(error)".contains("missing field"))
        }
    }
}
