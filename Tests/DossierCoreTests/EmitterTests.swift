import DossierCore
import Foundation
import Logging
import Testing

@Suite struct EmitterTests {
    @Test func emitsAllFourTypesInOrder() {
        let result = EventFixtures.emitter().events(
            for: EventFixtures.dossier(), snapshot: EventFixtures.snapshot(), drift: EventFixtures.drift())
        #expect(result.rejected.isEmpty)
        #expect(
            result.events.map(\.eventType) == [
                .artifactIndexed, .artifactIndexed, .artifactIndexed,
                .artifactMissing, .artifactMissing, .artifactMissing,
                .snapshotComputed, .parityDriftDetected,
            ])
        let indexedKeys = result.events.compactMap { e -> String? in
            if case .artifactIndexed(let p) = e.payload { return p.artifactKey } else { return nil }
        }
        #expect(indexedKeys == ["spec", "tasks.wp01", "artifact.notes-txt"])
    }

    @Test func missingOnlyForRequiredArtifactsWithReasonCodes() {
        let result = EventFixtures.emitter().events(
            for: EventFixtures.dossier(), snapshot: EventFixtures.snapshot(), drift: nil)
        let missing = result.events.compactMap { e -> ArtifactMissingPayload? in
            if case .artifactMissing(let p) = e.payload { return p } else { return nil }
        }
        #expect(missing.map(\.artifactKey) == ["plan", "tasks", "tasks.wp01"])
        #expect(missing.map(\.reasonCode) == [.notFound, .unreadable, .invalidFormat])
        #expect(missing.allSatisfy { $0.blocking })
        #expect(missing[1].reasonDetail == "permission denied")
        #expect(missing[2].expectedPathPattern == "tasks/WP*.md")
        #expect(!missing.contains { $0.artifactKey == "research" }, "optional artifacts never produce missing events")
    }

    @Test func reasonCodesFromAnomalies() {
        func reason(_ kind: Anomaly.Kind?, present: Bool) -> MissingReason {
            let a = Artifact(
                key: "k", artifactClass: .input, relativePath: "x.md", contentHashSHA256: nil, sizeBytes: nil,
                requiredStatus: .required, present: present,
                anomaly: kind.map { Anomaly(kind: $0, relativePath: "x.md", detail: "d") })
            return EventEmitter.reason(for: a).0
        }
        #expect(reason(nil, present: false) == .notFound)
        #expect(reason(.deletedAfterScan, present: true) == .deletedAfterScan)
        #expect(reason(.unreadable, present: true) == .unreadable)
        #expect(reason(.invalidFormat, present: true) == .invalidFormat)
        #expect(reason(.symlinkOutsideRoot, present: true) == .unreadable)
        #expect(reason(.brokenSymlink, present: true) == .notFound)
        #expect(reason(nil, present: true) == .unreadable)
    }

    @Test func noDriftEventWithoutBaselineOrWithEqualHash() {
        let e = EventFixtures.emitter()
        let none = e.events(for: EventFixtures.dossier(), snapshot: EventFixtures.snapshot(), drift: nil)
        #expect(!none.events.contains { $0.eventType == .parityDriftDetected })
        let equal = e.events(
            for: EventFixtures.dossier(), snapshot: EventFixtures.snapshot(),
            drift: EventFixtures.drift(local: EventFixtures.hashC, baseline: EventFixtures.hashC))
        #expect(!equal.events.contains { $0.eventType == .parityDriftDetected })
        #expect(equal.events.last?.eventType == .snapshotComputed)
        let differs = e.events(
            for: EventFixtures.dossier(), snapshot: EventFixtures.snapshot(), drift: EventFixtures.drift())
        #expect(differs.events.last?.eventType == .parityDriftDetected)
    }

    @Test func snapshotAlwaysEmittedEvenForEmptyDossier() {
        let empty = Dossier(
            featureSlug: "empty", featureDirectory: "/x/empty", missionType: "unknown-mission", currentStep: nil,
            stepSource: .none, artifacts: [], anomalies: [])
        let snap = Snapshot(
            featureSlug: "empty", missionType: "unknown-mission", currentStep: nil,
            counts: ArtifactCounts(
                total: 0, required: 0, requiredPresent: 0, requiredMissing: 0, optional: 0, optionalPresent: 0),
            completeness: .unknown,
            parityHashSHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", snapshotID: "s")
        let result = EventFixtures.emitter().events(for: empty, snapshot: snap, drift: nil)
        #expect(result.events.map(\.eventType) == [.snapshotComputed])
    }

    @Test func invalidEventIsRejectedAndTheRestKept() {
        var dossier = EventFixtures.dossier()
        dossier.artifacts[0].contentHashSHA256 = "NOT-A-HASH"
        dossier.artifacts[5].sizeBytes = -3
        let result = EventFixtures.emitter().events(for: dossier, snapshot: EventFixtures.snapshot(), drift: nil)
        #expect(result.rejected.map(\.field) == ["payload.content_hash_sha256", "payload.size_bytes"])
        #expect(result.events.count == 5)  // 1 indexed + 3 missing + snapshot
        #expect(result.events.last?.eventType == .snapshotComputed)
    }

    @Test func emissionIsDeterministicWithInjectedClockAndIDs() {
        let a = EventFixtures.allFourTypes().map { $0.canonicalJSON() }
        let b = EventFixtures.allFourTypes().map { $0.canonicalJSON() }
        #expect(a == b)
        #expect(EventFixtures.allFourTypes().first?.eventID == "00000000-0000-4000-8000-000000000001")
    }
}
