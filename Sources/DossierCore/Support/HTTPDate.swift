import Foundation

/// Parses an HTTP-date (RFC 9110 §5.6.7): the IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT` and the two obsolete
/// forms a recipient must accept, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`.
/// Computed with `CivilDate`, so locale and time zone never matter; anything else (another zone, an impossible
/// date) is nil. Pure.
public enum HTTPDate {
    /// The instant `text` names, or nil when it is not an HTTP-date.
    public static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ").map(String.init)
        if parts.count == 6, parts[5] == "GMT", let name = parts[0].dropLastComma(), shortDays.contains(name) {
            return date(day: parts[1], dayDigits: 2...2, month: parts[2], year: parts[3], time: parts[4])
        }
        if parts.count == 4, parts[3] == "GMT", let name = parts[0].dropLastComma(), longDays.contains(name) {
            let dmy = parts[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard dmy.count == 3, let yy = number(dmy[2], digits: 2...2) else { return nil }
            // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
            let year = yy < 70 ? 2000 + yy : 1900 + yy
            return date(day: dmy[0], dayDigits: 2...2, month: dmy[1], year: String(year), time: parts[2])
        }
        if parts.count == 5, shortDays.contains(parts[0]) {
            return date(day: parts[2], dayDigits: 1...2, month: parts[1], year: parts[4], time: parts[3])
        }
        return nil
    }

    private static let shortDays: Set = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longDays: Set = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func date(
        day dayText: String, dayDigits: ClosedRange<Int>, month monthText: String, year yearText: String,
        time: String
    ) -> Date? {
        let hms = time.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let monthIndex = months.firstIndex(of: monthText), hms.count == 3,
            let day = number(dayText, digits: dayDigits), let year = number(yearText, digits: 4...4),
            let hour = number(hms[0], digits: 2...2), let minute = number(hms[1], digits: 2...2),
            let second = number(hms[2], digits: 2...2)
        else { return nil }
        let month = Int64(monthIndex + 1)
        guard day >= 1, day <= CivilDate.daysInMonth(year: year, month: month), hour < 24, minute < 60, second <= 60
        else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// `text` as a decimal number of `digits` ASCII digits, else nil.
    private static func number(_ text: String, digits: ClosedRange<Int>) -> Int64? {
        guard digits.contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(text)
    }
}

extension String {
    /// The string without its final comma, or nil when it does not end with one.
    fileprivate func dropLastComma() -> String? { hasSuffix(",") ? String(dropLast()) : nil }
}
