import Foundation

/// Pure text formatting for the panes (deterministic: UTC, no locale).
public enum Format {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiBlocks: [Character] = ["_", ".", "-", "~", "=", "+", "*", "#"]

    /// One character per sample (the newest `width` samples), scaled to the largest;
    /// `ascii` uses `_.-~=+*#` for terminals without Unicode.
    public static func sparkline(_ values: [Int], width: Int, ascii: Bool = false) -> String {
        let glyphs = ascii ? asciiBlocks : blocks
        let tail = values.suffix(max(0, width))
        guard let top = tail.max(), top > 0 else { return String(repeating: glyphs[0], count: tail.count) }
        return String(
            tail.map { v in
                v <= 0 ? glyphs[0] : glyphs[max(1, min(glyphs.count - 1, (v * (glyphs.count - 1) + top - 1) / top))]
            })
    }

    /// `[█████░░░░░]`, `ascii`: `[#####.....]`.
    public static func progressBar(fraction: Double, width: Int, ascii: Bool = false) -> String {
        let inner = max(0, width - 2)
        let filled = Int((Double(inner) * min(max(fraction, 0), 1)).rounded(.down))
        return "[" + String(repeating: ascii ? "#" : "█", count: filled)
            + String(repeating: ascii ? "." : "░", count: inner - filled) + "]"
    }

    /// A count in at most 4 characters: `999`, `9999`, `12k`, `100k`, `2.5M`.
    public static func count(_ n: Int) -> String {
        if n < 10_000 { return "\(n)" }
        if n < 1_000_000 { return "\(n / 1000)k" }
        let tenths = n / 100_000
        return tenths % 10 == 0 || n >= 10_000_000 ? "\(n / 1_000_000)M" : "\(tenths / 10).\(tenths % 10)M"
    }

    /// A duration in seconds as `42s`, `4m12s`, `3h05m`, `2d04h`.
    public static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(twoDigits(s % 60))s" }
        if s < 86_400 { return "\(s / 3600)h\(twoDigits(s / 60 % 60))m" }
        return "\(s / 86_400)d\(twoDigits(s / 3600 % 24))h"
    }

    /// `in 4s` / `now` / `3s ago`.
    public static func relative(_ date: Date, now: Date) -> String {
        let delta = date.timeIntervalSince(now)
        if abs(delta) < 1 { return "now" }
        return delta > 0 ? "in " + duration(delta) : duration(-delta) + " ago"
    }

    /// When something is due: `in 4s` (rounded up: `in 1s` until the moment), `due now` once the time has come, so
    /// `f` after "due now" always finds the event due.
    public static func due(_ date: Date, now: Date) -> String {
        let delta = date.timeIntervalSince(now)
        return delta <= 0 ? "due now" : "in " + duration(delta.rounded(.up))
    }

    /// `HH:MM:SS` of an RFC 3339 timestamp (`2026-11-24T18:03:04Z` → `18:03:04`); the input
    /// when it does not look like one.
    public static func clock(_ rfc3339: String) -> String {
        guard let t = rfc3339.firstIndex(of: "T") else { return rfc3339 }
        let rest = rfc3339[rfc3339.index(after: t)...]
        return String(rest.prefix(8))
    }

    /// `HH:MM:SS` UTC of a date.
    public static func clock(_ date: Date) -> String {
        let s = Int(date.timeIntervalSince1970.rounded(.down))
        let day = ((s % 86_400) + 86_400) % 86_400
        return "\(twoDigits(day / 3600)):\(twoDigits(day / 60 % 60)):\(twoDigits(day % 60))"
    }

    /// The first 12 hex digits of a hash (`—` when absent).
    public static func shortHash(_ hash: String?) -> String {
        guard let hash, !hash.isEmpty else { return "—" }
        return String(hash.prefix(12))
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
