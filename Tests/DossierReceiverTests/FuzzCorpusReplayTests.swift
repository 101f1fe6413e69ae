import DossierFuzzTargets
import Foundation
import Testing

/// Every input of the checked-in fuzz corpus (`Tests/Fuzz/corpus/<target>/`: seeds, and every crash a fuzz run
/// found) goes through its target once in the normal suite, so a fixed crash stays fixed without libFuzzer.
@Suite struct FuzzCorpusReplayTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus").path

    @Test func everyTargetHasASeededCorpusAndEveryCorpusATarget() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpusRoot).sorted()
        #expect(folders == FuzzTarget.all.map(\.name).sorted())
        for target in FuzzTarget.all {
            let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpusRoot + "/" + target.name)
            #expect(files.count >= 3, "corpus of \(target.name) has \(files.count) inputs")
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func replayCorpus(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let dir = Self.corpusRoot + "/" + name
        var replayed = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() {
            let data = try #require(FileManager.default.contents(atPath: dir + "/" + file))
            target.run(data)
            replayed += 1
        }
        #expect(replayed > 0)
    }
}
