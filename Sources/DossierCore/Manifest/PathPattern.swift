/// Whole-path glob matching on UTF-8 bytes: `*` matches any run of bytes within one path component,
/// `**` as a whole component matches zero or more components, `?` matches one byte other than `/`. Everything else
/// matches itself byte for byte (no Unicode normalisation, case-sensitive).
///
/// Matching walks both byte strings in place (no splitting, no allocation): the scanner matches every file against
/// every manifest entry.
public enum PathPattern {
    /// A pattern prepared once for many matches: its bytes, whether it has wildcards, its literal folder prefix.
    public struct Compiled: Sendable, Equatable {
        public let pattern: String
        let bytes: [UInt8]
        /// No `*` or `?`: a plain byte comparison.
        public let isLiteral: Bool
        /// `literalDirectoryPrefix(pattern)` as bytes.
        let literalPrefix: [UInt8]

        public init(_ pattern: String) {
            self.pattern = pattern
            bytes = Array(pattern.utf8)
            isLiteral = !bytes.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }
            literalPrefix = Array(PathPattern.literalDirectoryPrefix(pattern).utf8)
        }

        /// True when the pattern matches the whole of `path`.
        public func matches(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
            if isLiteral { return bytes.elementsEqual(path) }
            return bytes.withUnsafeBufferPointer { p in PathPattern.match(p, path) }
        }

        /// True when the pattern matches the whole of `path`.
        public func matches(_ path: String) -> Bool {
            var path = path
            return path.withUTF8 { matches($0) }
        }
    }

    /// True when `pattern` matches the whole of `path`.
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        var pattern = pattern
        var path = path
        return pattern.withUTF8 { p in path.withUTF8 { s in match(p, s) } }
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

    // MARK: - Matching in place
    //
    // Both strings are sequences of `/`-separated components (an empty string is one empty component). A component
    // position is the index of its first byte; `count + 1` stands for "no component left".

    static func match(_ p: UnsafeBufferPointer<UInt8>, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        matchComponents(p, 0, s, 0)
    }

    /// The end (index of the `/` or the count) of the component starting at `i`.
    @inline(__always)
    private static func componentEnd(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i
        while j < b.count && b[j] != UInt8(ascii: "/") { j += 1 }
        return j
    }

    private static func matchComponents(
        _ p: UnsafeBufferPointer<UInt8>, _ pi: Int, _ s: UnsafeBufferPointer<UInt8>, _ si: Int
    ) -> Bool {
        let none = s.count + 1
        guard pi <= p.count else { return si == none }
        let pj = componentEnd(p, pi)
        let pNext = pj + 1  // past the slash, or p.count + 1 at the end
        if pj - pi == 2 && p[pi] == UInt8(ascii: "*") && p[pi + 1] == UInt8(ascii: "*") {
            var tail = si
            while true {
                if matchComponents(p, pNext, s, tail) { return true }
                guard tail != none else { return false }
                tail = componentEnd(s, tail) + 1
            }
        }
        guard si != none else { return false }
        let sj = componentEnd(s, si)
        return matchComponent(p, pi, pj, s, si, sj) && matchComponents(p, pNext, s, sj + 1)
    }

    private static func matchComponent(
        _ p: UnsafeBufferPointer<UInt8>, _ pi: Int, _ pEnd: Int, _ s: UnsafeBufferPointer<UInt8>, _ si: Int,
        _ sEnd: Int
    ) -> Bool {
        var pi = pi
        var si = si
        while pi < pEnd {
            switch p[pi] {
            case UInt8(ascii: "*"):
                var tail = si
                while true {
                    if matchComponent(p, pi + 1, pEnd, s, tail, sEnd) { return true }
                    guard tail < sEnd else { return false }
                    tail += 1
                }
            case UInt8(ascii: "?"):
                guard si < sEnd else { return false }
            case let c:
                guard si < sEnd, s[si] == c else { return false }
            }
            pi += 1
            si += 1
        }
        return si == sEnd
    }
}
