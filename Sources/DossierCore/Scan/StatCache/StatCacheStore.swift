import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the stat cache was used by one scan (reported under `volatile.stat_cache` in `--json`).
public enum StatCacheUse: Sendable, Equatable, CustomStringConvertible {
    /// Entries were trusted where their `stat` matched.
    case used
    /// No cache file yet: every file was read.
    case missing
    /// `scan --rehash`: every file was read; `mismatches` cached hashes disagreed with the bytes.
    case rehash(mismatches: Int)
    /// The file exists but was not used (corrupt, another format version, another repository): every file was read.
    case ignored(String)

    public var description: String {
        switch self {
        case .used: return "used"
        case .missing: return "missing"
        case .rehash(let m): return m == 0 ? "rehash" : "rehash: \(m) cached hash(es) were wrong"
        case .ignored(let why): return "ignored: \(why)"
        }
    }
}

/// Reads and writes `<state dir>/scan-cache.bin` (see `StatCacheCodec`), atomically (temp file, then rename) and
/// owner-only.
public struct StatCacheStore: Sendable {
    /// The cache file's name in the state directory.
    public static let fileName = "scan-cache.bin"
    public let stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    public var path: String { stateDirectory + "/" + Self.fileName }

    /// The cache for `repositoryRoot`, or why there is none usable.
    public func load(repositoryRoot: [UInt8]) -> (StatCache?, StatCacheUse) {
        switch PosixFileSystem().read(file: Array(path.utf8), limit: 1 << 30) {
        case .failure(let e) where e.isGone: return (nil, .missing)
        case .failure(let e): return (nil, .ignored("\(path): \(e)"))
        case .success(let bytes):
            switch StatCacheCodec.decode(bytes) {
            case .failure(let e): return (nil, .ignored("\(path): \(e)"))
            case .success(let cache):
                guard cache.repositoryRoot == repositoryRoot else {
                    return (nil, .ignored("\(path): written for \(RawName.string(from: cache.repositoryRoot))"))
                }
                return (cache, .used)
            }
        }
    }

    /// Writes `cache`, replacing the previous file atomically. Creates the state directory (0700) when missing.
    public func save(_ cache: StatCache) -> Result<Void, FileSystemError> {
        do throws(OwnerOnlyError) {
            try OwnerOnlyFiles.makeDirectories(stateDirectory)
        } catch {
            return .failure(FileSystemError(call: "mkdir \(error.path) (\(error.problem))", code: EIO))
        }
        let bytes = StatCacheCodec.encode(cache)
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return .failure(FileSystemError(call: "open \(temporary)", code: errno)) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                return .failure(FileSystemError(call: "write \(temporary)", code: code))
            }
            written += n
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            return .failure(FileSystemError(call: "rename \(path)", code: code))
        }
        return .success(())
    }
}
