import DossierCore
import Foundation
import Testing

@Suite struct EmbeddedDemoTests {
    /// The embedded copy must be byte-identical to assets/demo (rerun scripts/embed-demo.sh after editing).
    @Test func embeddedDemoMatchesAssets() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("assets/demo")
        var onDisk: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            onDisk[relative] = try Data(contentsOf: url)
        }
        let embedded = Dictionary(uniqueKeysWithValues: EmbeddedDemo.files.map { ($0.path, Data(base64Encoded: $0.base64)!) })
        #expect(Set(embedded.keys) == Set(onDisk.keys), "run scripts/embed-demo.sh")
        for (path, data) in onDisk { #expect(embedded[path] == data, "\(path) differs: run scripts/embed-demo.sh") }
    }

    @Test func materializeWritesOnceAndKeepsEdits() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try DemoMission.materialize(into: dir)
        #expect(first.count == EmbeddedDemo.files.count)
        let spec = (dir as NSString).appendingPathComponent("kitty-specs/001-demo-checkout/spec.md")
        try Data("edited".utf8).write(to: URL(fileURLWithPath: spec))
        let second = try DemoMission.materialize(into: dir)
        #expect(second.isEmpty)
        #expect(try String(contentsOfFile: spec, encoding: .utf8) == "edited")
        #expect(DemoMission.featurePaths == ["kitty-specs/001-demo-checkout"])
    }
}
