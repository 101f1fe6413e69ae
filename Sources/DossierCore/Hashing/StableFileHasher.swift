import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What hashing an open file found.
public enum HashOutcome: Sendable, Equatable {
    /// The digest of the bytes, and the `fstat` that held before and after reading them.
    case hashed(FileDigest, FileStatus)
    /// `fstat` on the open descriptor says it is not a regular file (a FIFO, socket or device swapped in).
    case notRegular(FileStatus)
    /// Size, mtime or ctime differed between the `fstat` before and after reading, twice: no hash is trusted.
    case changing
    case failed(FileSystemError)
}

/// Hashes an open descriptor so that a reported hash is always the hash of one version of the file: `fstat` before
/// and after reading must agree (size, mtime, ctime, inode); if they do not, the file is read once more, and a second
/// change gives `.changing`. When the file's timestamps are within the racy window of the clock (a write in the same
/// timestamp tick would not show), it is read until two passes agree byte for byte.
public enum StableFileHasher {
    /// At most this many reads of one file.
    static let maximumPasses = 4

    /// Hashes `fd` (already opened by the walk) through `fileSystem`, using `buffer` for reads. `onRead` is told the
    /// size of every read (progress while a large file hashes).
    public static func hash(
        _ fd: Int32, fileSystem: any ScanFileSystem, validateUTF8: Bool, clock: any ScanClock,
        onRead: ((Int) -> Void)? = nil
    ) -> HashOutcome {
        var before: FileStatus
        switch fileSystem.status(of: fd) {
        case .success(let s): before = s
        case .failure(let e): return .failed(e)
        }
        guard before.kind == .regular else { return .notRegular(before) }
        // Small files get a small buffer (a 1 MiB allocation per file costs page faults); reads still loop to EOF.
        let size = Int(clamping: before.size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: min(StreamingHasher.chunkSize, max(16 << 10, size < Int.max ? size + 1 : size)), alignment: 16)
        defer { buffer.deallocate() }
        var unstable = 0
        var previous: (FileDigest, FileStatus)?
        for _ in 0..<maximumPasses {
            let started = clock.now()
            let digest: FileDigest
            switch pass(fd, fileSystem: fileSystem, validateUTF8: validateUTF8, buffer: buffer, onRead: onRead) {
            case .success(let d): digest = d
            case .failure(let e): return .failed(e)
            }
            let after: FileStatus
            switch fileSystem.status(of: fd) {
            case .success(let s): after = s
            case .failure(let e): return .failed(e)
            }
            guard after == before, after.size == digest.size else {
                unstable += 1
                if unstable >= 2 { return .changing }
                previous = nil
                before = after
                guard after.kind == .regular else { return .notRegular(after) }
                continue
            }
            if !after.isRacy(relativeTo: started) { return .hashed(digest, after) }
            if let p = previous, p.1 == after, p.0 == digest { return .hashed(digest, after) }
            previous = (digest, after)
        }
        return .changing
    }

    /// One read of the whole file from offset 0.
    static func pass(
        _ fd: Int32, fileSystem: any ScanFileSystem, validateUTF8: Bool, buffer: UnsafeMutableRawBufferPointer,
        onRead: ((Int) -> Void)? = nil
    ) -> Result<FileDigest, FileSystemError> {
        var hasher = SHA256()
        var validator = UTF8Validator()
        var total: Int64 = 0
        while true {
            switch fileSystem.read(fd, into: buffer, at: total) {
            case .failure(let e): return .failure(e)
            case .success(0):
                return .success(
                    FileDigest(
                        sha256: StreamingHasher.hex(hasher.finalize()), size: total,
                        isValidUTF8: validateUTF8 ? validator.isComplete : nil))
            case .success(let n):
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
                hasher.update(bufferPointer: chunk)
                if validateUTF8 { validator.feed(chunk.bindMemory(to: UInt8.self)) }
                total += Int64(n)
                onRead?(n)
            }
        }
    }
}
