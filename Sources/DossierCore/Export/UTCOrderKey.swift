/// The timestamp part of the package's ordering key (`ordering._utc_iso`): the instant in UTC as Python's
/// `isoformat()` writes it (`2026-02-21T13:00:00.500000+00:00`, no fraction when it is zero), so string order is
/// time order whatever offset the producer wrote. A time without offset is kept as written (the package leaves
/// naive times alone); one that is not ISO 8601 is kept as written too (the package would have refused it).
public enum UTCOrderKey {
    public static func key(_ timestamp: String) -> String {
        guard let p = parse(timestamp) else { return timestamp }
        guard let offsetMinutes = p.offsetMinutes else { return timestamp }
        var total =
            CivilDate.days(year: p.year, month: p.month, day: p.day) * 86_400 + Int64(p.hour * 3600 + p.minute * 60)
            + Int64(p.second) - Int64(offsetMinutes) * 60
        let micros = p.micros
        let day = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        total -= day * 86_400
        let (y, m, d) = CivilDate.civil(fromDays: day)
        let pad = CivilDate.pad
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(total / 3600, 2)):\(pad(total / 60 % 60, 2))"
            + ":\(pad(total % 60, 2))"
        if micros > 0 { out += "." + pad(Int64(micros), 6) }
        return out + "+00:00"
    }

    struct Parts {
        var year: Int64, month: Int64, day: Int64, hour: Int, minute: Int, second: Int, micros: Int
        var offsetMinutes: Int?
        /// The offset as written (`±HH[:]MM`), for range checks; nil without one or with `Z`.
        var offsetFields: (hours: Int, minutes: Int)?
    }

    static func parse(_ s: String) -> Parts? {
        let b = Array(s.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            i += n
            return v
        }
        func take(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), take(0x2D), let month = digits(2), take(0x2D), let day = digits(2),
            i < b.count, [0x54, 0x74, 0x20].contains(b[i])
        else { return nil }
        i += 1
        guard let hour = digits(2), take(0x3A), let minute = digits(2) else { return nil }
        var second = 0
        var micros = 0
        if take(0x3A) {
            guard let s = digits(2) else { return nil }
            second = s
            if take(0x2E) || take(0x2C) {
                var n = 0
                while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                    if n < 6 { micros = micros * 10 + Int(b[i] - 0x30) }
                    n += 1
                    i += 1
                }
                guard n > 0 else { return nil }
                for _ in n..<max(n, 6) { micros *= 10 }
            }
        }
        var parts = Parts(
            year: Int64(year), month: Int64(month), day: Int64(day), hour: hour, minute: minute, second: second,
            micros: micros, offsetMinutes: nil)
        if i == b.count { return parts }
        if take(0x5A) || take(0x7A) {
            parts.offsetMinutes = 0
            return i == b.count ? parts : nil
        }
        let sign: Int
        if take(0x2B) { sign = 1 } else if take(0x2D) { sign = -1 } else { return nil }
        guard let oh = digits(2) else { return nil }
        _ = take(0x3A)
        guard let om = digits(2), i == b.count else { return nil }
        parts.offsetMinutes = sign * (oh * 60 + om)
        parts.offsetFields = (oh, om)
        return parts
    }
}
