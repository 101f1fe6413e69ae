import Foundation
import Testing

@testable import DossierCore

/// The one time toolkit: RFC 3339 out (`EventTimestamp`), HTTP-dates in (`HTTPDate`, under `Retry-After`), both on
/// `CivilDate` arithmetic, with hand-computed instants.
@Suite struct TimeToolkitTests {
    @Test func rfc3339IsUTCWithTruncatedMilliseconds() {
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(
            EventTimestamp.string(from: Date(timeIntervalSince1970: 784_111_777.9999)) == "1994-11-06T08:49:37.999Z")
    }

    @Test func theThreeHTTPDateFormsNameTheSameInstant() {
        // RFC 9110 §5.6.7's example: 1994-11-06 08:49:37 UTC is 784111777 s after the epoch.
        for text in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            #expect(HTTPDate.parse(text)?.timeIntervalSince1970 == 784_111_777, "\(text)")
        }
        #expect(HTTPDate.parse("Tue, 29 Feb 2000 00:00:00 GMT")?.timeIntervalSince1970 == 951_782_400)
        #expect(HTTPDate.parse("Monday, 01-Jan-01 00:00:00 GMT")?.timeIntervalSince1970 == 978_307_200)
    }

    @Test func anythingElseIsNotAnHTTPDate() {
        for text in [
            "", "soon", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:49 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 00:00:00 GMT", "Sun, +6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT extra",
        ] {
            #expect(HTTPDate.parse(text) == nil, "\(text)")
        }
    }

    @Test func civilDateRoundTripsAcrossLeapYearsAndBeforeTheEpoch() {
        #expect(CivilDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.days(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilDate.days(year: 1969, month: 12, day: 31) == -1)
        #expect(CivilDate.daysInMonth(year: 2000, month: 2) == 29 && CivilDate.daysInMonth(year: 1900, month: 2) == 28)
        #expect(CivilDate.daysInMonth(year: 2026, month: 12) == 31)
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = CivilDate.civil(fromDays: days)
            #expect(CivilDate.days(year: y, month: m, day: d) == days)
        }
    }
}
