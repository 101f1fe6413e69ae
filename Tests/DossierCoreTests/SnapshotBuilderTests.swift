import DossierCore
import Testing

@Suite struct SnapshotBuilderTests {
    static let h = "b6a98d9ce9a2d9149288fa3df42d377c3e42737afdcdaf714e33c0a100b51060"

    @Test func countsCompletenessAndParity() {
        let artifacts = [
            Artifact(
                key: "a", artifactClass: .output, relativePath: "a.md", contentHashSHA256: Self.h, sizeBytes: 6,
                requiredStatus: .required, present: true),
            Artifact(
                key: "bad", artifactClass: .output, relativePath: "bad.md", contentHashSHA256: Self.h, sizeBytes: 6,
                requiredStatus: .required, present: true,
                anomaly: Anomaly(kind: .invalidFormat, relativePath: "bad.md", detail: "x")),
            Artifact(
                key: "gone", artifactClass: .output, relativePath: "gone.md", contentHashSHA256: nil, sizeBytes: nil,
                requiredStatus: .required, present: false),
            Artifact(
                key: "o", artifactClass: .input, relativePath: "o.txt", contentHashSHA256: nil, sizeBytes: nil,
                requiredStatus: .optional, present: true,
                anomaly: Anomaly(kind: .unreadable, relativePath: "o.txt", detail: "x")),
        ]
        let d = Dossier(
            featureSlug: "001-x", featureDirectory: "/x", missionType: "software-dev", currentStep: "plan",
            stepSource: .flag, artifacts: artifacts, anomalies: [])
        let s = SnapshotBuilder.snapshot(of: d)
        #expect(
            s.counts
                == ArtifactCounts(
                    total: 4, required: 3, requiredPresent: 1, requiredMissing: 2, optional: 1, optionalPresent: 1))
        #expect(s.completeness == .incomplete)
        // Only present artifacts with a hash: a.md and bad.md.
        #expect(s.parityHashSHA256 == ParityHash.compute([("a.md", Self.h), ("bad.md", Self.h)]))
        #expect(s.snapshotID.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(SnapshotBuilder.snapshot(of: d) == s)
    }

    @Test func unknownMissionAndEmptyDossier() {
        let d = Dossier(
            featureSlug: "001-x", featureDirectory: "/x", missionType: "astrology", currentStep: nil,
            stepSource: .none, artifacts: [], anomalies: [])
        let s = SnapshotBuilder.snapshot(of: d)
        #expect(s.completeness == .unknown && s.parityHashSHA256 == ParityHash.empty && s.counts.total == 0)
    }
}
