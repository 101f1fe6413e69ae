import Foundation
import Testing

@testable import DossierReceiver

@Suite struct ReceiverRejectOnceTests {
    /// `rejectOnce`: each poison event is rejected at its first arrival only; its retry (same id) is accepted.
    @Test func aPoisonEventIsRejectedOnceThenAccepted() {
        var config = FaultConfiguration(rejectEventType: "mission_dossier_artifact_missing")
        config.rejectOnce = true
        let f = FaultInjector(config)
        #expect(f.rejects(eventType: "mission_dossier_artifact_missing", eventID: "a"))
        #expect(!f.rejects(eventType: "mission_dossier_artifact_missing", eventID: "a"))
        #expect(f.rejects(eventType: "mission_dossier_artifact_missing", eventID: "b"))
        #expect(!f.rejects(eventType: "mission_dossier_artifact_indexed", eventID: "c"))
    }

    /// Without `rejectOnce` the poison type is rejected every time (`dossier receive --reject-event-type`).
    @Test func withoutRejectOnceThePoisonTypeIsAlwaysRejected() {
        let f = FaultInjector(FaultConfiguration(rejectEventType: "mission_dossier_artifact_missing"))
        #expect(f.rejects(eventType: "mission_dossier_artifact_missing", eventID: "a"))
        #expect(f.rejects(eventType: "mission_dossier_artifact_missing", eventID: "a"))
        #expect(!FaultInjector(FaultConfiguration()).rejects(eventType: "x", eventID: "a"))
    }
}
