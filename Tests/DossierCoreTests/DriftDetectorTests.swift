import DossierCore
import Testing

@Suite struct DriftDetectorTests {
    static let h1 = String(repeating: "1", count: 64)
    static let h2 = String(repeating: "2", count: 64)

    static func artifact(_ key: String, _ path: String, _ hash: String, _ req: RequiredStatus) -> Artifact {
        Artifact(
            key: key, artifactClass: .output, relativePath: path, contentHashSHA256: hash, sizeBytes: 1,
            requiredStatus: req, present: true)
    }

    static func dossier(_ artifacts: [Artifact]) -> Dossier {
        Dossier(
            featureSlug: "001-x", featureDirectory: "/r/kitty-specs/001-x", missionType: "software-dev",
            currentStep: "plan", stepSource: .flag, artifacts: artifacts, anomalies: [])
    }

    static func baselineOf(_ artifacts: [Artifact]) -> Baseline {
        let d = dossier(artifacts)
        return BaselineStore.baseline(
            from: d, snapshot: SnapshotBuilder.snapshot(of: d), acceptedAt: "t", source: "local")
    }

    func report(_ base: [Artifact], _ now: [Artifact]) -> DriftReport {
        let d = Self.dossier(now)
        return DriftDetector.compare(
            baseline: Self.baselineOf(base), dossier: d, snapshot: SnapshotBuilder.snapshot(of: d))
    }

    @Test func identicalMeansNoDrift() {
        let a = [Self.artifact("spec", "spec.md", Self.h1, .required)]
        let r = report(a, a)
        #expect(!r.hasDrift && r.severity == .info && r.missingInLocal.isEmpty && r.changed.isEmpty)
    }

    @Test func requiredDisappearedIsError() {
        let r = report(
            [Self.artifact("spec", "spec.md", Self.h1, .required), Self.artifact("r", "r.md", Self.h1, .optional)],
            [Self.artifact("r", "r.md", Self.h1, .optional)])
        #expect(r.hasDrift && r.severity == .error && r.missingInLocal == ["spec"])
    }

    @Test func addedOrRemovedOptionalIsWarning() {
        let base = [Self.artifact("spec", "spec.md", Self.h1, .required)]
        let r = report(base, base + [Self.artifact("zz", "zz.md", Self.h2, .optional)])
        #expect(r.severity == .warning && r.missingInBaseline == ["zz"])
        let removed = report(base + [Self.artifact("zz", "zz.md", Self.h2, .optional)], base)
        #expect(removed.severity == .warning && removed.missingInLocal == ["zz"])
    }

    @Test func changedRequiredIsWarningChangedOptionalOnlyIsInfo() {
        let r = report(
            [Self.artifact("spec", "spec.md", Self.h1, .required)],
            [Self.artifact("spec", "spec.md", Self.h2, .required)])
        #expect(
            r.severity == .warning
                && r.changed == [
                    ChangedArtifact(key: "spec", relativePath: "spec.md", baselineHash: Self.h1, localHash: Self.h2)
                ])
        let o = report(
            [Self.artifact("n", "n.md", Self.h1, .optional)], [Self.artifact("n", "n.md", Self.h2, .optional)])
        #expect(o.hasDrift && o.severity == .info && o.changed.count == 1)
    }

    @Test func keysSortedByBytesNfcNfdDistinct() {
        let nfc = "artifact.caf\u{E9}"
        let nfd = "artifact.cafe\u{301}"
        let r = report(
            [],
            [
                Self.artifact(nfc, "a", Self.h1, .optional), Self.artifact(nfd, "b", Self.h1, .optional),
                Self.artifact("B", "c", Self.h1, .optional),
            ])
        #expect(r.missingInBaseline.count == 3)
        #expect(r.missingInBaseline.map { Array($0.utf8) } == [Array("B".utf8), Array(nfd.utf8), Array(nfc.utf8)])
    }
}
