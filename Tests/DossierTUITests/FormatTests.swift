import Foundation
import Testing

@testable import DossierTUI

@Suite struct DashboardFormatTests {
    @Test func sparklineScalesAndHasAnASCIIFallback() {
        #expect(Format.sparkline([0, 1, 2, 4, 8], width: 10) == "▁▂▃▅█")
        #expect(Format.sparkline([0, 1, 2, 4, 8], width: 10, ascii: true) == "_.-=#")
        #expect(Format.sparkline([1, 2, 3, 4], width: 2) == "▇█")  // keeps the newest samples
        #expect(Format.sparkline([], width: 5) == "")
        #expect(Format.sparkline([0, 0], width: 5) == "▁▁")
    }

    @Test func durationsAndRelativeTimes() {
        #expect(Format.duration(42) == "42s")
        #expect(Format.duration(252) == "4m12s")
        #expect(Format.duration(3 * 3600 + 5 * 60) == "3h05m")
        #expect(Format.duration(2 * 86_400 + 4 * 3600) == "2d04h")
        let now = Date(timeIntervalSince1970: 1000)
        #expect(Format.relative(now.addingTimeInterval(28), now: now) == "in 28s")
        #expect(Format.relative(now.addingTimeInterval(-5), now: now) == "5s ago")
        #expect(Format.relative(now, now: now) == "now")
        #expect(Format.due(now.addingTimeInterval(-5), now: now) == "due now")
        #expect(Format.due(now.addingTimeInterval(5), now: now) == "in 5s")
        #expect(Format.due(now.addingTimeInterval(0.2), now: now) == "in 1s")  // not "due now" before it is
        #expect(Format.due(now, now: now) == "due now")
    }

    @Test func countsFitInFourCharacters() {
        #expect(
            [0, 999, 9999, 12_345, 100_000, 999_999, 2_500_000, 3_000_000, 12_345_678].map(Format.count)
                == ["0", "999", "9999", "12k", "100k", "999k", "2.5M", "3M", "12M"])
    }

    @Test func clockIsUTCAndLocaleFree() {
        #expect(Format.clock("2026-11-24T18:03:04Z") == "18:03:04")
        #expect(Format.clock(Date(timeIntervalSince1970: 3600 + 61)) == "01:01:01")
        #expect(Format.progressBar(fraction: 0.5, width: 12) == "[█████░░░░░]")
        #expect(Format.progressBar(fraction: 0.5, width: 12, ascii: true) == "[#####.....]")
    }
}
