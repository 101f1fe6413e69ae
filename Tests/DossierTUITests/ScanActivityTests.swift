import DossierCore
import Foundation
import Testing

@testable import DossierTUI

@Suite struct DashboardScanActivityTests {
    /// While one large file hashes, no file or feature finishes: the bytes hashed still move the header's progress.
    @Test func bytesHashedMoveWhileALargeFileHashes() {
        let before = ScanProgress(
            featureSlug: "042-login", filesDone: 3, featuresDone: 1, featuresTotal: 4, bytesDone: 2_500_000,
            bytesHashed: 2_500_000)
        var during = before
        during.bytesHashed = 514_500_000
        let a = EngineDataSource.scanActivity(title: "scanning", before, elapsed: .seconds(1))
        let b = EngineDataSource.scanActivity(title: "scanning", during, elapsed: .seconds(5))
        #expect(a.detail == "1/4 features · 3 files · 2.5 MB · 2.5 MB hashed at 2.5 MB/s · 042-login")
        #expect(b.detail == "1/4 features · 3 files · 2.5 MB · 514.5 MB hashed at 102.9 MB/s · 042-login")
        #expect(a.fraction == 0.25 && b.fraction == 0.25)
    }

    /// A rescan served from the stat cache reads nothing: no "hashed" part and no rate.
    @Test func aScanFromTheStatCacheShowsNoHashedBytes() {
        let p = ScanProgress(
            featureSlug: "007-x", filesDone: 10, featuresDone: 2, featuresTotal: 2, bytesDone: 1_000_000)
        let a = EngineDataSource.scanActivity(title: "rescanning", p, elapsed: .seconds(1))
        #expect(a.detail == "2/2 features · 10 files · 1.0 MB · 007-x")
        #expect(a.fraction == 1)
    }
}
