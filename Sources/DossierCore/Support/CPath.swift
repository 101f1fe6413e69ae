#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helpers for raw byte paths passed to POSIX calls (file names are bytes, not necessarily UTF-8).
enum CPath {
    /// Calls `body` with a NUL-terminated C string of `path`.
    static func with<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        // A NUL-terminated copy on the stack (names and paths are short): no heap allocation per system call.
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: path.count + 1) { buffer in
            path.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            buffer[path.count] = 0
            return body(UnsafePointer(buffer.baseAddress!))
        }
    }

    /// `a/b` for raw byte paths.
    static func join(_ base: [UInt8], _ name: [UInt8]) -> [UInt8] {
        if base.isEmpty { return name }
        var out = base
        if out.last != UInt8(ascii: "/") { out.append(UInt8(ascii: "/")) }
        out.append(contentsOf: name)
        return out
    }

    /// The last component of a path (ignoring trailing slashes).
    static func lastComponent(_ path: [UInt8]) -> [UInt8] {
        var p = path
        while p.count > 1 && p.last == UInt8(ascii: "/") { p.removeLast() }
        if let slash = p.lastIndex(of: UInt8(ascii: "/")) { return Array(p[(slash + 1)...]) }
        return p
    }

    /// The parent of a path ("/" for a top-level entry).
    static func parent(_ path: [UInt8]) -> [UInt8] {
        var p = path
        while p.count > 1 && p.last == UInt8(ascii: "/") { p.removeLast() }
        guard let slash = p.lastIndex(of: UInt8(ascii: "/")) else { return Array(".".utf8) }
        if slash == 0 { return [UInt8(ascii: "/")] }
        return Array(p[..<slash])
    }

    /// A human string for `errno`.
    static func errorText(_ code: Int32) -> String {
        guard let c = strerror(code) else { return "errno \(code)" }
        return String(cString: c)
    }
}
