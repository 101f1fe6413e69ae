import DossierCore
import Foundation
import Testing

@testable import DossierReceiver

/// The reduction's routing rule, pure: what is kept as an observation or a held snapshot, what is only counted.
@Suite struct FeatureBatchChangeTests {
    static let base = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func eventsNoNewerThanTheVerifiedSnapshotAreOnlyCounted() throws {
        let old = ScanFixtures.scan(slug: "alpha", files: [("spec.md", ScanFixtures.hash("a1"))], start: Self.base)
        let new = ScanFixtures.scan(
            slug: "alpha", files: [("spec.md", ScanFixtures.hash("a2"))], start: Self.base.addingTimeInterval(10))
        let oldSnapshot = try #require(old.first { $0.eventType == .snapshotComputed })
        let verified = VerifiedSnapshot(
            orderKey: EventOrderKey.key(oldSnapshot.timestamp), eventID: oldSnapshot.eventID)

        var change = FeatureBatchChange()
        var routes: [FeatureBatchChange.Route] = []
        for event in old + new {
            routes.append(change.record(event, key: EventOrderKey.key(event.timestamp), verified: verified))
        }
        #expect(change.events == old.count + new.count)
        // The old scan is at or before the verified snapshot: counted only. The new one is kept.
        #expect(routes.prefix(old.count).allSatisfy { $0 == .none })
        let kept = Array(routes.suffix(new.count))
        #expect(kept.filter { $0 == .heldSnapshot }.count == 1)
        #expect(kept.filter { $0 == .observation }.count == new.filter { $0.eventType == .artifactIndexed }.count)
        #expect(change.newSnapshots == new.filter { $0.eventType == .snapshotComputed }.map(\.eventID))
        let newKeys = new.filter { $0.eventType == .artifactIndexed }.map { EventOrderKey.key($0.timestamp) }
        #expect(change.observationKeys == newKeys.min().flatMap { low in newKeys.max().map { low...$0 } })
        // The latest event of the batch, whatever the order it was recorded in.
        let latest = try #require((old + new).max { EventOrderKey.key($0.timestamp) < EventOrderKey.key($1.timestamp) })
        #expect(change.lastTimestamp == latest.timestamp)
    }

    @Test func withoutAVerifiedSnapshotEverythingKeepableIsKept() {
        let scan = ScanFixtures.scan(
            slug: "beta", files: [("spec.md", ScanFixtures.hash("b1"))], absentRequired: ["plan.md"], start: Self.base)
        var change = FeatureBatchChange()
        for event in scan.reversed() {
            let route = change.record(event, key: EventOrderKey.key(event.timestamp), verified: nil)
            switch event.eventType {
            case .artifactIndexed: #expect(route == .observation)
            case .snapshotComputed: #expect(route == .heldSnapshot)
            default: #expect(route == .none)
            }
        }
        #expect(change.events == scan.count)
    }
}
