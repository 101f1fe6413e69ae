import Foundation

/// Formats event timestamps: RFC 3339, UTC, millisecond precision, `Z` suffix (`2026-11-24T18:00:00.123Z`).
/// The one RFC 3339 writer of the package (events, `scan --json`, baselines, the CLI's times); computed with
/// `CivilDate`, so locale and time zone never matter.
public enum EventTimestamp {
    /// `date` as `yyyy-MM-ddTHH:mm:ss.SSSZ`, milliseconds truncated toward the past.
    public static func string(from date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = totalMillis >= 0 ? totalMillis / 86_400_000 : (totalMillis - 86_399_999) / 86_400_000
        let msOfDay = totalMillis - days * 86_400_000
        let (year, month, day) = CivilDate.civil(fromDays: days)
        let pad = CivilDate.pad
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(msOfDay / 3_600_000, 2))"
            + ":\(pad(msOfDay / 60000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }
}
