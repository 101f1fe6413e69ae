import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The digest of one file: lowercase hex SHA-256, byte count, and (when asked) whether the bytes are valid UTF-8.
public struct FileDigest: Sendable, Equatable {
    public var sha256: String
    public var size: Int64
    /// nil when UTF-8 validation was not requested.
    public var isValidUTF8: Bool?

    public init(sha256: String, size: Int64, isValidUTF8: Bool?) {
        self.sha256 = sha256
        self.size = size
        self.isValidUTF8 = isValidUTF8
    }
}

/// Streaming SHA-256 over POSIX `open`/`read` in fixed 1 MiB chunks: memory stays bounded whatever the file size.
public enum StreamingHasher {
    /// Chunk size of each `read`.
    public static let chunkSize = 1 << 20

    /// Hashes the file at `path` (raw bytes). Opens with `O_NOFOLLOW`, so a file swapped for a symlink after listing
    /// fails with ELOOP instead of being followed; `fstat` checks it is still a regular file.
    public static func hash(path: [UInt8], validateUTF8: Bool) -> Result<FileDigest, FileSystemError> {
        let fd = CPath.with(path) { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else { return .failure(FileSystemError(call: "open", code: errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(FileSystemError(call: "fstat", code: errno)) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .failure(FileSystemError(call: "fstat", code: EINVAL)) }
        // Small files get a small buffer (a 1 MiB allocation per file costs page faults); reads still loop to EOF.
        let bufferSize = min(chunkSize, max(16 << 10, Int(st.st_size) + 1))
        return hash(fileDescriptor: fd, validateUTF8: validateUTF8, bufferSize: bufferSize)
    }

    /// Hashes everything readable from an open descriptor, at most `bufferSize` bytes per `read`.
    public static func hash(fileDescriptor fd: Int32, validateUTF8: Bool, bufferSize: Int = chunkSize)
        -> Result<FileDigest, FileSystemError>
    {
        var hasher = SHA256()
        var validator = UTF8Validator()
        var total: Int64 = 0
        let chunkSize = max(1, bufferSize)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileSystemError(call: "read", code: errno))
            }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher.update(bufferPointer: chunk)
            if validateUTF8 { validator.feed(chunk.bindMemory(to: UInt8.self)) }
            total += Int64(n)
        }
        return .success(
            FileDigest(
                sha256: hex(hasher.finalize()), size: total,
                isValidUTF8: validateUTF8 ? validator.isComplete : nil))
    }

    /// Lowercase hex SHA-256 of in-memory bytes.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Lowercase hex of a digest.
    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let bytes = Array(digest)
        let table: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 2 * bytes.count) { out in
            table.withUTF8Buffer { table in
                for (i, byte) in bytes.enumerated() {
                    out[2 * i] = table[Int(byte >> 4)]
                    out[2 * i + 1] = table[Int(byte & 0x0F)]
                }
            }
            return 2 * bytes.count
        }
    }
}
