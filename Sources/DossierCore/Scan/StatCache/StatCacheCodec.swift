import Crypto

/// The on-disk form of a `StatCache`: little-endian binary, versioned, checksummed. Anything that does not decode
/// exactly (another format version, truncation, a flipped bit) is rejected as a whole, never half-used.
///
/// Layout: magic `DOSSIER-STAT-CACHE\n`, u32 format version, u32 root length + root bytes, i64 seconds + i64
/// nanoseconds of `scanStarted`, u32 entry count, then per entry: u32 key length + key bytes, u64 device, u64 inode,
/// i64 size, i64+i64 mtime, i64+i64 ctime, u32 mode, u8 UTF-8 state, 32 bytes SHA-256; last, the SHA-256 of all of
/// the above.
public enum StatCacheCodec {
    /// Bumped on any change of layout or meaning.
    public static let formatVersion: UInt32 = 1
    static let magic = Array("DOSSIER-STAT-CACHE\n".utf8)

    /// Why bytes are not a usable cache.
    public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        case notACache
        case otherVersion(UInt32)
        case corrupt(String)

        public var description: String {
            switch self {
            case .notACache: return "not a stat cache file"
            case .otherVersion(let v): return "format version \(v), this dossier writes \(StatCacheCodec.formatVersion)"
            case .corrupt(let why): return "corrupt (\(why))"
            }
        }
    }

    /// The bytes of `cache`, entries in byte order of their keys (same cache, same bytes).
    public static func encode(_ cache: StatCache) -> [UInt8] {
        let sorted = cache.entries.sorted { $0.key < $1.key }
        var out = magic
        out.reserveCapacity(
            magic.count + 32 + cache.repositoryRoot.count + sorted.reduce(0) { $0 + $1.key.bytes.count + 100 })
        put32(formatVersion, &out)
        put32(UInt32(truncatingIfNeeded: cache.repositoryRoot.count), &out)
        out += cache.repositoryRoot
        put64(UInt64(bitPattern: cache.scanStarted.seconds), &out)
        put64(UInt64(bitPattern: cache.scanStarted.nanoseconds), &out)
        put32(UInt32(truncatingIfNeeded: cache.entries.count), &out)
        for (key, entry) in sorted {
            put32(UInt32(truncatingIfNeeded: key.bytes.count), &out)
            out += key.bytes
            let s = entry.status
            put64(s.device, &out)
            put64(s.inode, &out)
            put64(UInt64(bitPattern: s.size), &out)
            put64(UInt64(bitPattern: s.modified.seconds), &out)
            put64(UInt64(bitPattern: s.modified.nanoseconds), &out)
            put64(UInt64(bitPattern: s.changed.seconds), &out)
            put64(UInt64(bitPattern: s.changed.nanoseconds), &out)
            put32(s.mode, &out)
            out.append(entry.utf8.rawValue)
            appendHexBytes(entry.sha256, to: &out)
        }
        out += Array(SHA256.hash(data: out))
        return out
    }

    /// Decodes `bytes`, checking magic, version, checksum and every length.
    public static func decode(_ bytes: [UInt8]) -> Result<StatCache, DecodeError> {
        guard bytes.count >= magic.count + 4, bytes.starts(with: magic) else { return .failure(.notACache) }
        var r = Reader(bytes: bytes, offset: magic.count)
        guard let version = r.u32() else { return .failure(.notACache) }
        guard version == formatVersion else { return .failure(.otherVersion(version)) }
        guard bytes.count >= magic.count + 4 + 32 else { return .failure(.corrupt("truncated")) }
        let checksum = bytes.withUnsafeBytes { raw in
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 32)]))
            return Array(hasher.finalize())
        }
        guard checksum[...] == bytes[(bytes.count - 32)...] else {
            return .failure(.corrupt("checksum mismatch"))
        }
        r.end = bytes.count - 32
        guard let rootCount = r.u32(), let root = r.bytes(Int(rootCount)), let sec = r.u64(), let nsec = r.u64(),
            let count = r.u32()
        else { return .failure(.corrupt("truncated header")) }
        var entries: [PathKey: StatCacheEntry] = [:]
        entries.reserveCapacity(Int(min(count, 1 << 20)))
        for n in 0..<Int(count) {
            guard let keyCount = r.u32(), let key = r.bytes(Int(keyCount)), let dev = r.u64(), let ino = r.u64(),
                let size = r.u64(), let ms = r.u64(), let mn = r.u64(), let cs = r.u64(), let cn = r.u64(),
                let mode = r.u32(), let utf8Raw = r.u8(), let digest = r.bytes(32)
            else { return .failure(.corrupt("entry \(n) truncated")) }
            guard let utf8 = StatCacheEntry.UTF8State(rawValue: utf8Raw) else {
                return .failure(.corrupt("entry \(n): UTF-8 state \(utf8Raw)"))
            }
            let status = FileStatus(
                device: dev, inode: ino, size: Int64(bitPattern: size),
                modified: FileTime(seconds: Int64(bitPattern: ms), nanoseconds: Int64(bitPattern: mn)),
                changed: FileTime(seconds: Int64(bitPattern: cs), nanoseconds: Int64(bitPattern: cn)), mode: mode)
            entries[PathKey(key)] = StatCacheEntry(status: status, sha256: StreamingHasher.hex(digest), utf8: utf8)
        }
        guard r.offset == r.end else { return .failure(.corrupt("trailing bytes")) }
        return .success(
            StatCache(
                repositoryRoot: root,
                scanStarted: FileTime(seconds: Int64(bitPattern: sec), nanoseconds: Int64(bitPattern: nsec)),
                entries: entries))
    }

    private static func put32(_ v: UInt32, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func put64(_ v: UInt64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    /// The 32 bytes a 64-digit hex digest spells (zero-padded if shorter), appended without a temporary array.
    private static func appendHexBytes(_ hex: String, to out: inout [UInt8]) {
        func nibble(_ c: UInt8) -> UInt8 { c >= 0x61 ? c &- 0x61 &+ 10 : (c >= 0x41 ? c &- 0x41 &+ 10 : c &- 0x30) }
        var written = 0
        var high: UInt8?
        for c in hex.utf8 where written < 32 {
            if let h = high {
                out.append(nibble(h) << 4 | (nibble(c) & 0x0F))
                written += 1
                high = nil
            } else {
                high = c
            }
        }
        while written < 32 {
            out.append(0)
            written += 1
        }
    }

    /// Bounds-checked little-endian reads: nil past `end`, never a trap.
    private struct Reader {
        let bytes: [UInt8]
        var offset: Int
        var end: Int

        init(bytes: [UInt8], offset: Int) {
            self.bytes = bytes
            self.offset = offset
            self.end = bytes.count
        }

        mutating func bytes(_ n: Int) -> [UInt8]? {
            guard n >= 0, n <= end - offset else { return nil }
            defer { offset += n }
            return Array(bytes[offset..<(offset + n)])
        }

        mutating func u8() -> UInt8? {
            guard end - offset >= 1 else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func u32() -> UInt32? {
            guard end - offset >= 4 else { return nil }
            var v: UInt32 = 0
            for i in (0..<4).reversed() { v = v << 8 | UInt32(bytes[offset + i]) }
            offset += 4
            return v
        }

        mutating func u64() -> UInt64? {
            guard end - offset >= 8 else { return nil }
            var v: UInt64 = 0
            for i in (0..<8).reversed() { v = v << 8 | UInt64(bytes[offset + i]) }
            offset += 8
            return v
        }
    }
}
