/// Whole-path glob matching on UTF-8 bytes (DESIGN §3): `*` matches any run of bytes within one path component,
/// `**` as a whole component matches zero or more components, `?` matches one byte other than `/`. Everything else
/// matches itself byte for byte (no Unicode normalisation, case-sensitive).
public enum PathPattern {
    /// True when `pattern` matches the whole of `path`.
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        // Most manifest patterns are literal paths: compare bytes, no splitting (the scanner calls this per file).
        if !pattern.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }) {
            return pattern.utf8.elementsEqual(path.utf8)
        }
        let p = components(Array(pattern.utf8))
        let s = components(Array(path.utf8))
        return matchComponents(p[...], s[...])
    }

    /// The pattern's leading components that contain no wildcard, joined with `/` plus a trailing slash
    /// (`tasks/WP*.md` → `tasks/`), used to derive per-file key suffixes.
    public static func literalDirectoryPrefix(_ pattern: String) -> String {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        var prefix = ""
        for part in parts.dropLast() {
            if part.contains("*") || part.contains("?") { break }
            prefix += part + "/"
        }
        return prefix
    }

    private static func components(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map(Array.init)
    }

    private static func matchComponents(_ p: ArraySlice<[UInt8]>, _ s: ArraySlice<[UInt8]>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == Array("**".utf8) {
            let rest = p.dropFirst()
            var tail = s
            while true {
                if matchComponents(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let head = s.first else { return false }
        return matchComponent(first[...], head[...]) && matchComponents(p.dropFirst(), s.dropFirst())
    }

    private static func matchComponent(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        switch c {
        case UInt8(ascii: "*"):
            var tail = s
            while true {
                if matchComponent(p.dropFirst(), tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        case UInt8(ascii: "?"):
            return !s.isEmpty && matchComponent(p.dropFirst(), s.dropFirst())
        default:
            return s.first == c && matchComponent(p.dropFirst(), s.dropFirst())
        }
    }
}
