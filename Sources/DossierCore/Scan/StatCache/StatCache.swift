#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the stat cache remembers of one file: its `stat` when it was hashed, the digest, and the UTF-8 verdict.
public struct StatCacheEntry: Sendable, Equatable {
    /// Whether the bytes were checked as UTF-8 when hashed, and the verdict.
    public enum UTF8State: UInt8, Sendable {
        case notChecked = 0
        case valid = 1
        case invalid = 2
    }

    public var status: FileStatus
    /// Lowercase hex SHA-256.
    public var sha256: String
    public var utf8: UTF8State

    public init(status: FileStatus, sha256: String, utf8: UTF8State) {
        self.status = status
        self.sha256 = sha256
        self.utf8 = utf8
    }

    /// The entry for a digest and the `stat` it was read under.
    public init(digest: FileDigest, status: FileStatus) {
        self.init(
            status: status, sha256: digest.sha256,
            utf8: digest.isValidUTF8.map { $0 ? .valid : .invalid } ?? .notChecked)
    }
}

/// The incremental-scan cache, the way git's index works (pure decisions; `StatCacheStore` reads and writes it).
///
/// Per file (keyed by its absolute raw path): device, inode, size, mtime and ctime in nanoseconds and mode → SHA-256.
/// A file whose `lstat` equals its entry exactly is not read. Racy timestamps: an entry whose mtime or ctime is not
/// older than the cache's own `scanStarted` minus `FileTime.racyWindowSeconds` is never trusted (a write in the same
/// timestamp tick could have left the same `stat`), so such files are read again.
public struct StatCache: Sendable, Equatable {
    /// The canonical repository root the cache was written for; a cache for another root is not used.
    public var repositoryRoot: [UInt8]
    /// The wall clock when the scan that wrote the cache started (before any file was read).
    public var scanStarted: FileTime
    public var entries: [PathKey: StatCacheEntry]

    public init(repositoryRoot: [UInt8], scanStarted: FileTime, entries: [PathKey: StatCacheEntry] = [:]) {
        self.repositoryRoot = repositoryRoot
        self.scanStarted = scanStarted
        self.entries = entries
    }

    /// The cached digest of `key` when `status` (from `lstat`) matches its entry exactly, the entry is not racy and
    /// it holds the UTF-8 verdict the caller needs; else nil (read the file).
    public func digest(for key: PathKey, status: FileStatus, validateUTF8: Bool) -> FileDigest? {
        guard let entry = entries[key] else { return nil }
        return digest(of: entry, status: status, validateUTF8: validateUTF8)
    }

    /// As `digest(for:status:validateUTF8:)`, with the entry already looked up.
    public func digest(of entry: StatCacheEntry, status: FileStatus, validateUTF8: Bool) -> FileDigest? {
        guard entry.status == status, status.kind == .regular,
            !status.isRacy(relativeTo: scanStarted)
        else { return nil }
        let utf8: Bool?
        switch entry.utf8 {
        case .notChecked:
            guard !validateUTF8 else { return nil }
            utf8 = nil
        case .valid: utf8 = validateUTF8 ? true : nil
        case .invalid: utf8 = validateUTF8 ? false : nil
        }
        return FileDigest(sha256: entry.sha256, size: status.size, isValidUTF8: utf8)
    }

    /// True when an entry read at `status` may be stored by a scan that started at `scanStarted`.
    public static func isCacheable(_ status: FileStatus, scanStarted: FileTime) -> Bool {
        status.kind == .regular && !status.isRacy(relativeTo: scanStarted)
    }

    /// The cache to save after a scan: `fresh` entries for the folders just scanned (`scannedPrefixes`, absolute raw
    /// paths), plus the entries of `previous` (when it is for the same root) under folders that were not scanned.
    public static func merged(
        previous: StatCache?, fresh: [PathKey: StatCacheEntry], scannedPrefixes: [[UInt8]], repositoryRoot: [UInt8],
        scanStarted: FileTime
    ) -> StatCache {
        var entries = fresh
        if let previous, previous.repositoryRoot == repositoryRoot {
            let prefixes = scannedPrefixes.map { $0 + [UInt8(ascii: "/")] }
            for (key, entry) in previous.entries where entries[key] == nil {
                if !prefixes.contains(where: { key.bytes.starts(with: $0) })
                    && !entry.status.isRacy(relativeTo: previous.scanStarted)
                {
                    entries[key] = entry
                }
            }
        }
        return StatCache(repositoryRoot: repositoryRoot, scanStarted: scanStarted, entries: entries)
    }

}

/// A raw absolute path as a dictionary key, hashed as one block of bytes (hashing a `[UInt8]` element by element
/// costs more than the `lstat` the cache saves).
public struct PathKey: Hashable, Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (a: Self, b: Self) -> Bool { a.bytes == b.bytes }
}

extension PathKey: Comparable {
    /// Byte order of the paths (unsigned, lexicographic).
    public static func < (a: Self, b: Self) -> Bool {
        a.bytes.withUnsafeBufferPointer { x in
            b.bytes.withUnsafeBufferPointer { y in
                let n = min(x.count, y.count)
                let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
                return c != 0 ? c < 0 : x.count < y.count
            }
        }
    }
}
