#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `lstat` / `d_type` says about a directory entry.
public enum FileKind: Sendable, Equatable {
    case regular, directory, symlink, other

    /// The kind a directory entry's `d_type` reports; nil for `DT_UNKNOWN` (the caller must `fstatat`).
    static func fromDirentType(_ type: Int32) -> FileKind? {
        switch type {
        case Int32(DT_REG): .regular
        case Int32(DT_DIR): .directory
        case Int32(DT_LNK): .symlink
        case Int32(DT_UNKNOWN): nil
        default: .other
        }
    }
}

/// One name in a directory listing, with the kind `readdir` reported (nil when the file system does not say).
public struct DirectoryEntry: Sendable, Equatable {
    public var name: [UInt8]
    public var kind: FileKind?

    public init(name: [UInt8], kind: FileKind?) {
        self.name = name
        self.kind = kind
    }
}

/// A file timestamp as the file system stores it (seconds and nanoseconds, never combined so nothing can overflow).
public struct FileTime: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanoseconds: Int64

    public init(seconds: Int64, nanoseconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func < (a: Self, b: Self) -> Bool {
        a.seconds != b.seconds ? a.seconds < b.seconds : a.nanoseconds < b.nanoseconds
    }
}

/// The `stat` fields that say whether a file changed: what the stat cache keys on (device, inode, size, mtime,
/// ctime, mode), as git's index does.
public struct FileStatus: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modified: FileTime
    public var changed: FileTime
    public var mode: UInt32

    public init(device: UInt64, inode: UInt64, size: Int64, modified: FileTime, changed: FileTime, mode: UInt32) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
        self.mode = mode
    }

    /// The kind the mode says.
    public var kind: FileKind {
        switch mode & UInt32(S_IFMT) {
        case UInt32(S_IFREG): return .regular
        case UInt32(S_IFDIR): return .directory
        case UInt32(S_IFLNK): return .symlink
        default: return .other
        }
    }

    init(_ st: stat) {
        self.init(
            device: UInt64(truncatingIfNeeded: st.st_dev), inode: UInt64(truncatingIfNeeded: st.st_ino),
            size: Int64(truncatingIfNeeded: st.st_size),
            modified: FileTime(
                seconds: Int64(truncatingIfNeeded: st.st_mtim.tv_sec),
                nanoseconds: Int64(truncatingIfNeeded: st.st_mtim.tv_nsec)),
            changed: FileTime(
                seconds: Int64(truncatingIfNeeded: st.st_ctim.tv_sec),
                nanoseconds: Int64(truncatingIfNeeded: st.st_ctim.tv_nsec)),
            mode: UInt32(truncatingIfNeeded: st.st_mode))
    }
}

/// The file-system surface the scanner needs, descriptor-relative so a walk cannot be raced: every folder is opened
/// with `openat(parent, name, O_NOFOLLOW | O_DIRECTORY)`, every file with `O_NOFOLLOW | O_NONBLOCK`, and `fstat` on
/// the open descriptor decides what it is. The real one is `PosixFileSystem`; tests wrap it to swap entries between
/// listing and opening, or to change a file between two `fstat`s, deterministically.
public protocol ScanFileSystem: Sendable {
    /// Opens the scan's starting folder (symlinks already resolved by the caller): `O_DIRECTORY | O_CLOEXEC`.
    func openDirectory(path: [UInt8]) -> Result<Int32, FileSystemError>
    /// `openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)`.
    func openDirectory(in parent: Int32, name: [UInt8]) -> Result<Int32, FileSystemError>
    /// `openat(parent, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)`: never blocks, whatever the type.
    func openFile(in parent: Int32, name: [UInt8]) -> Result<Int32, FileSystemError>
    /// `fstatat(parent, name, AT_SYMLINK_NOFOLLOW)`.
    func status(in parent: Int32, name: [UInt8]) -> Result<FileStatus, FileSystemError>
    /// `fstat(fd)`.
    func status(of fd: Int32) -> Result<FileStatus, FileSystemError>
    /// The names in an open folder (without `.` and `..`), in no particular order.
    func list(directory fd: Int32) -> Result<[DirectoryEntry], FileSystemError>
    /// `pread(fd, buffer, offset)`: the byte count read, 0 at the end.
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Result<Int, FileSystemError>
    /// `close(fd)`.
    func close(_ fd: Int32)
    /// `lstat(path)`: the kind of the entry, without following symlinks.
    func kind(of path: [UInt8]) -> Result<FileKind, FileSystemError>
    /// `realpath(path)`.
    func realPath(_ path: [UInt8]) -> Result<[UInt8], FileSystemError>
    /// Reads a small file named by path whole (manifests, baselines): at most `limit` bytes, more is EFBIG.
    func read(file path: [UInt8], limit: Int) -> Result<[UInt8], FileSystemError>
}

/// The real file system through POSIX calls.
public struct PosixFileSystem: ScanFileSystem {
    public init() {}

    public func openDirectory(path: [UInt8]) -> Result<Int32, FileSystemError> {
        let fd = CPath.with(path) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        return fd >= 0 ? .success(fd) : .failure(FileSystemError(call: "open", code: errno))
    }

    public func openDirectory(in parent: Int32, name: [UInt8]) -> Result<Int32, FileSystemError> {
        let fd = CPath.with(name) { openat(parent, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        return fd >= 0 ? .success(fd) : .failure(FileSystemError(call: "openat", code: errno))
    }

    public func openFile(in parent: Int32, name: [UInt8]) -> Result<Int32, FileSystemError> {
        let fd = CPath.with(name) { openat(parent, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        return fd >= 0 ? .success(fd) : .failure(FileSystemError(call: "openat", code: errno))
    }

    public func status(in parent: Int32, name: [UInt8]) -> Result<FileStatus, FileSystemError> {
        var st = stat()
        guard CPath.with(name, { fstatat(parent, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else {
            return .failure(FileSystemError(call: "fstatat", code: errno))
        }
        return .success(FileStatus(st))
    }

    public func status(of fd: Int32) -> Result<FileStatus, FileSystemError> {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(FileSystemError(call: "fstat", code: errno)) }
        return .success(FileStatus(st))
    }

    public func list(directory fd: Int32) -> Result<[DirectoryEntry], FileSystemError> {
        if let getdents = DirectoryReader.getdents64 { return DirectoryReader.list(fd, getdents) }
        return listWithReaddir(fd)
    }

    /// The portable listing: `readdir` on a duplicate of `fd` (three more system calls per folder than `getdents64`).
    func listWithReaddir(_ fd: Int32) -> Result<[DirectoryEntry], FileSystemError> {
        let copy = dup(fd)
        guard copy >= 0 else { return .failure(FileSystemError(call: "dup", code: errno)) }
        guard let dir = fdopendir(copy) else {
            let code = errno
            Glibc.close(copy)
            return .failure(FileSystemError(call: "fdopendir", code: code))
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { return .failure(FileSystemError(call: "readdir", code: errno)) }
                break
            }
            let type = entry.pointee.d_type
            let name: [UInt8] = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: UInt8.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) { p in
                    Array(
                        UnsafeBufferPointer(
                            start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            let kind = FileKind.fromDirentType(Int32(type))
            entries.append(DirectoryEntry(name: name, kind: kind))
        }
        return .success(entries)
    }

    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64)
        -> Result<Int, FileSystemError>
    {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return .success(n) }
            if errno == EINTR { continue }
            return .failure(FileSystemError(call: "read", code: errno))
        }
    }

    public func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    public func kind(of path: [UInt8]) -> Result<FileKind, FileSystemError> {
        var st = stat()
        guard CPath.with(path, { lstat($0, &st) }) == 0 else {
            return .failure(FileSystemError(call: "lstat", code: errno))
        }
        return .success(FileStatus(st).kind)
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

    public func read(file path: [UInt8], limit: Int) -> Result<[UInt8], FileSystemError> {
        let fd = CPath.with(path) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else { return .failure(FileSystemError(call: "open", code: errno)) }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(FileSystemError(call: "fstat", code: errno)) }
        switch FileStatus(st).kind {
        case .regular: break
        case .directory: return .failure(FileSystemError(call: "read", code: EISDIR))
        default: return .failure(FileSystemError(call: "fstat", code: EINVAL))  // a FIFO or device: never read
        }
        return FileReading.readAll(fd, limit: limit, fileSystem: self, sizeHint: Int(clamping: st.st_size))
    }
}

/// Lists a folder with Linux `getdents64` straight on the walk's descriptor: no `dup`, `fdopendir`'s `fstat` and
/// `fcntl`s, or second `close` per folder (a scan lists thousands of folders). Looked up at run time, since glibc
/// declares it only for `_GNU_SOURCE`; nil where the C library lacks it (then `readdir` is used).
enum DirectoryReader {
    typealias GetDents = @convention(c) (Int32, UnsafeMutableRawPointer?, Int) -> Int

    /// The function's address (0 when missing), kept as an integer so the constant is plainly `Sendable`.
    private static let address: UInt = {
        #if os(Linux)
            guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "getdents64") else { return 0 }
            return UInt(bitPattern: symbol)
        #else
            return 0
        #endif
    }()

    static var getdents64: GetDents? {
        guard let pointer = UnsafeRawPointer(bitPattern: address) else { return nil }
        return unsafeBitCast(pointer, to: GetDents.self)
    }

    /// Every entry from offset 0 (`lseek` first, as `rewinddir` does), `.` and `..` left out.
    static func list(_ fd: Int32, _ getdents: GetDents) -> Result<[DirectoryEntry], FileSystemError> {
        guard lseek(fd, 0, SEEK_SET) == 0 else { return .failure(FileSystemError(call: "lseek", code: errno)) }
        let size = 32 << 10
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        var entries: [DirectoryEntry] = []
        while true {
            let n = getdents(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileSystemError(call: "getdents64", code: errno))
            }
            if n == 0 { return .success(entries) }
            // struct linux_dirent64: u64 d_ino, i64 d_off, u16 d_reclen, u8 d_type, NUL-terminated d_name.
            var offset = 0
            while offset + 19 < n {
                let record = buffer + offset
                let length = Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                guard length > 19, offset + length <= n else {
                    return .failure(FileSystemError(call: "getdents64", code: EIO))
                }
                let type = record.load(fromByteOffset: 18, as: UInt8.self)
                let namePointer = (record + 19).assumingMemoryBound(to: UInt8.self)
                let nameLength = strnlen(UnsafeRawPointer(namePointer).assumingMemoryBound(to: CChar.self), length - 19)
                offset += length
                if nameLength == 1 && namePointer[0] == UInt8(ascii: ".") { continue }
                if nameLength == 2 && namePointer[0] == UInt8(ascii: ".") && namePointer[1] == UInt8(ascii: ".") {
                    continue
                }
                let kind = FileKind.fromDirentType(Int32(type))
                entries.append(
                    DirectoryEntry(name: Array(UnsafeBufferPointer(start: namePointer, count: nameLength)), kind: kind))
            }
        }
    }
}

/// Reading a whole small file from an open descriptor through a `ScanFileSystem`.
enum FileReading {
    /// At most `limit` bytes; more is an EFBIG error.
    /// `sizeHint` (the size `fstat` gave) only reserves memory up front; the bytes read decide.
    static func readAll(_ fd: Int32, limit: Int, fileSystem: any ScanFileSystem, sizeHint: Int = 0)
        -> Result<[UInt8], FileSystemError>
    {
        var out: [UInt8] = []
        out.reserveCapacity(min(max(0, sizeHint), limit) + 1)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while true {
            switch fileSystem.read(fd, into: buffer, at: offset) {
            case .failure(let e): return .failure(e)
            case .success(0): return .success(out)
            case .success(let n):
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                offset += Int64(n)
                if out.count > limit { return .failure(FileSystemError(call: "read", code: EFBIG)) }
            }
        }
    }
}
