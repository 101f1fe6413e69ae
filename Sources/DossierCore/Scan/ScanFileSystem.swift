#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `lstat` says about a directory entry.
public enum FileKind: Sendable, Equatable {
    case regular, directory, symlink, other
}

/// The small file-system surface the scanner needs (raw byte paths). The real one is `PosixFileSystem`; tests wrap it
/// to inject races (a folder vanishing, a file deleted between listing and hashing).
public protocol ScanFileSystem: Sendable {
    /// `lstat`: the kind of the entry, without following symlinks.
    func kind(of path: [UInt8]) -> Result<FileKind, FileSystemError>
    /// The raw names in a directory (without `.` and `..`), in no particular order.
    func list(directory path: [UInt8]) -> Result<[[UInt8]], FileSystemError>
    /// `realpath`.
    func realPath(_ path: [UInt8]) -> Result<[UInt8], FileSystemError>
    /// Streams the file through SHA-256 (and UTF-8 validation when asked).
    func hash(file path: [UInt8], validateUTF8: Bool) -> Result<FileDigest, FileSystemError>
    /// Reads a small file whole (at most `limit` bytes; more is an EFBIG error).
    func read(file path: [UInt8], limit: Int) -> Result<[UInt8], FileSystemError>
}

/// The real file system through POSIX calls.
public struct PosixFileSystem: ScanFileSystem {
    public init() {}

    public func kind(of path: [UInt8]) -> Result<FileKind, FileSystemError> {
        var st = stat()
        guard CPath.with(path, { lstat($0, &st) }) == 0 else {
            return .failure(FileSystemError(call: "lstat", code: errno))
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .success(.regular)
        case S_IFDIR: return .success(.directory)
        case S_IFLNK: return .success(.symlink)
        default: return .success(.other)
        }
    }

    public func list(directory path: [UInt8]) -> Result<[[UInt8]], FileSystemError> {
        guard let dir = CPath.with(path, { opendir($0) }) else {
            return .failure(FileSystemError(call: "opendir", code: errno))
        }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { return .failure(FileSystemError(call: "readdir", code: errno)) }
                break
            }
            let name: [UInt8] = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: UInt8.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) { p in
                    Array(
                        UnsafeBufferPointer(
                            start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(name)
        }
        return .success(names)
    }

    public func realPath(_ path: [UInt8]) -> Result<[UInt8], FileSystemError> {
        let result: [UInt8]? = CPath.with(path) { cPath in
            guard let r = realpath(cPath, nil) else { return nil }
            defer { free(r) }
            return Array(
                UnsafeBufferPointer(
                    start: UnsafeRawPointer(r).assumingMemoryBound(to: UInt8.self),
                    count: strlen(r)))
        }
        if let result { return .success(result) }
        return .failure(FileSystemError(call: "realpath", code: errno))
    }

    public func hash(file path: [UInt8], validateUTF8: Bool) -> Result<FileDigest, FileSystemError> {
        StreamingHasher.hash(path: path, validateUTF8: validateUTF8)
    }

    public func read(file path: [UInt8], limit: Int) -> Result<[UInt8], FileSystemError> {
        let fd = CPath.with(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return .failure(FileSystemError(call: "open", code: errno)) }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileSystemError(call: "read", code: errno))
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
            if out.count > limit { return .failure(FileSystemError(call: "read", code: EFBIG)) }
        }
        return .success(out)
    }
}
