import DossierCore
import Foundation
import Testing

/// The flush summary's note about events another flush holds: fixed format, UTC, on every machine.
@Suite struct DeliverySummaryTests {
    @Test func theLeaseNoteNamesTheCountAndTheUTCClockTimeTheLastLeaseEnds() {
        var summary = FlushSummary()
        #expect(summary.leaseNote == nil && !summary.description.contains("leased"))
        summary.leasedElsewhere = 3
        #expect(summary.leaseNote == nil, "no time, no note")
        // 2026-12-01 07:05:09.2 UTC: rounded up to the second.
        summary.leasedUntil = Date(timeIntervalSince1970: 1_796_108_708.2)
        #expect(summary.leaseNote == "3 events leased by another flush until 07:05:09 UTC")
        #expect(summary.description.hasSuffix("; 3 events leased by another flush until 07:05:09 UTC"))
        summary.leasedElsewhere = 1
        summary.leasedUntil = Date(timeIntervalSince1970: 86_399)
        #expect(summary.leaseNote == "1 event leased by another flush until 23:59:59 UTC")
    }
}
