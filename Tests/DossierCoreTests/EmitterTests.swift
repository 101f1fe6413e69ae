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

    /// With the injected clock and ids, the fixture scan emits exactly these bytes (written out by hand from the
    /// contract: key order, `null`s, reason codes and details), whatever the machine.
    @Test func emissionWithInjectedClockAndIDsGivesTheseExactBytes() {
        let (a1, b2, c3) = (
            String(repeating: "a1", count: 32), String(repeating: "b2", count: 32),
            String(repeating: "c3", count: 32)
        )
        func event(_ n: Int, _ type: String, _ payload: String) -> String {
            #"{"actor":"tester","event_id":"00000000-0000-4000-8000-00000000000\#(n)","event_type":"mission_dossier_"#
                + type + #"","payload":"# + payload + #","timestamp":"2026-11-24T18:00:00.123Z"}"#
        }
        let expected = [
            event(
                1, "artifact_indexed",
                #"{"artifact_class":"input","artifact_key":"spec","content_hash_sha256":""#
                    + a1 + #"","feature_slug":"042-user-login","relative_path":"spec.md","required_status":"required","#
                    + #""size_bytes":120,"step_id":"specify","wp_id":null}"#),
            event(
                2, "artifact_indexed",
                #"{"artifact_class":"workflow","artifact_key":"tasks.wp01","#
                    + #""content_hash_sha256":""# + b2 + #"","feature_slug":"042-user-login","#
                    + #""relative_path":"tasks/WP01-login.md","required_status":"required","size_bytes":0,"#
                    + #""step_id":"tasks_packages","wp_id":"WP01"}"#),
            event(
                3, "artifact_indexed",
                #"{"artifact_class":"output","artifact_key":"artifact.notes-txt","#
                    + #""content_hash_sha256":""# + c3
                    + #"","feature_slug":"042-user-login","relative_path":"notes.txt","#
                    + #""required_status":"optional","size_bytes":42,"step_id":null,"wp_id":null}"#),
            event(
                4, "artifact_missing",
                #"{"artifact_class":"workflow","artifact_key":"plan","blocking":true,"#
                    + #""expected_path_pattern":"plan.md","feature_slug":"042-user-login","reason_code":"not_found","#
                    + #""reason_detail":"no file matches plan.md"}"#),
            event(
                5, "artifact_missing",
                #"{"artifact_class":"workflow","artifact_key":"tasks","blocking":true,"#
                    + #""expected_path_pattern":"tasks.md","feature_slug":"042-user-login","reason_code":"unreadable","#
                    + #""reason_detail":"permission denied"}"#),
            event(
                6, "artifact_missing",
                #"{"artifact_class":"workflow","artifact_key":"tasks.wp01","blocking":true,"#
                    + #""expected_path_pattern":"tasks/WP*.md","feature_slug":"042-user-login","#
                    + #""reason_code":"invalid_format","reason_detail":"not UTF-8"}"#),
            event(
                7, "snapshot_computed",
                #"{"artifact_counts":{"optional":2,"optional_present":1,"required":4,"#
                    + #""required_missing":3,"required_present":1,"total":6},"completeness_status":"incomplete","#
                    + #""feature_slug":"042-user-login","parity_hash_sha256":""# + c3
                    + #"","snapshot_id":"snap-042-user-login-1"}"#),
            event(
                8, "parity_drift_detected",
                #"{"baseline_parity_hash":""# + a1
                    + #"","feature_slug":"042-user-login","local_parity_hash":""# + c3
                    + #"","missing_in_baseline":["artifact.notes-txt"],"missing_in_local":["plan"],"severity":"error"}"#
            ),
        ]
        let emitted = EventFixtures.allFourTypes().map { String(decoding: $0.canonicalJSON(), as: UTF8.self) }
        #expect(emitted.count == expected.count)
        for (got, want) in zip(emitted, expected) { #expect(got == want) }
    }
}
